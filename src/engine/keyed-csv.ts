// A CSV as one side of a keyed compare, read lazily: one pass records where each row starts and
// ends and the bytes of its key cells, and nothing else. A row's other cells are parsed only when the
// compare looks at them: when its row text differs from its partner's, or when it is output. Equal
// row texts under the same layout are equal rows, so a compare of two large, mostly equal files
// parses about as many cells as it outputs, and holds the texts, two offsets and a key per row.
import { scanRows, type Dialect } from './csv-scan.js';
import { convert, csvLayout, type CsvLayout, type CsvOptions } from './csv.js';
import { cellBytes, type Cell, type Dtype } from './frame.js';
import type { JoinKey, KeyedSide } from './keyed-diff.js';

export class CsvSide implements KeyedSide {
  readonly columns: Array<{ name: string; dtype: Dtype }>;
  private readonly text: string;
  private readonly dialect: Dialect;
  private starts = new Uint32Array(0);
  private ends = new Uint32Array(0);
  private rows = 0;
  /** The last row parsed, and its cells (the compare reads a row's cells together). */
  private cachedRow = -1;
  private cachedCells: Cell[] = [];

  private constructor(layout: CsvLayout) {
    this.columns = layout.columns;
    this.text = layout.body;
    this.dialect = layout.dialect;
  }

  /** The side for a CSV text, or why it cannot be read (as readCsv would say). */
  static read(
    text: string,
    options: CsvOptions = {},
  ): { ok: true; side: CsvSide } | { ok: false; error: string } {
    const layout = csvLayout(text, options);
    return layout.ok ? { ok: true, side: new CsvSide(layout.layout) } : layout;
  }

  get height(): number {
    return this.rows;
  }

  keyBytes(columns: number[], first: number, numeric: boolean): { bytes: JoinKey[]; firstNull: Uint8Array } {
    const wanted = new Map(columns.map((c, i) => [c, i]));
    const dtypes = this.columns.map((c) => c.dtype);
    const bytes: JoinKey[] = [];
    let value: number | null = null;
    const nulls: number[] = [];
    let starts = new Uint32Array(1024);
    let ends = new Uint32Array(1024);
    let header = true;
    const parts: string[] = columns.map(() => '');
    let firstIsNull = true;
    const sink = {
      // Only the fields up to the last key column are read; the rest of each row is skipped.
      limit: Math.max(first, ...columns) + 1,
      field(text: string, column: number) {
        if (header) return;
        const at = wanted.get(column);
        if (column !== first && at === undefined) return;
        const cell = convert(text, dtypes[column]!);
        if (column === first) firstIsNull = cell === null;
        if (at === undefined) return;
        if (numeric) value = cell as number | null;
        else parts[at] = cellBytes(cell, dtypes[column]!);
      },
      rowEnd: (_fields: number, start: number, end: number) => {
        if (header) {
          header = false;
          return;
        }
        if (this.rows === starts.length) {
          starts = grow(starts);
          ends = grow(ends);
        }
        starts[this.rows] = start;
        ends[this.rows] = end;
        if (numeric) bytes.push(value);
        else bytes.push(columns.length === 0 ? null : columns.length === 1 ? parts[0]! : parts.join(''));
        value = null;
        nulls.push(first < 0 || firstIsNull ? 1 : 0);
        this.rows++;
        parts.fill('');
        firstIsNull = true;
      },
    };
    if (sink.limit === 0) sink.limit = 1;
    scanRows(this.text, this.dialect, sink);
    this.starts = starts;
    this.ends = ends;
    return { bytes, firstNull: Uint8Array.from(nulls) };
  }

  cell(row: number, column: number): Cell {
    if (row !== this.cachedRow) {
      const cells: Cell[] = this.columns.map(() => null);
      scanRows(this.text.slice(this.starts[row], this.ends[row]), this.dialect, {
        field: (value, c) => {
          if (c < cells.length) cells[c] = convert(value, this.columns[c]!.dtype);
        },
        rowEnd() {},
      });
      this.cachedRow = row;
      this.cachedCells = cells;
    }
    return this.cachedCells[column] ?? null;
  }

  /** Identical row texts are identical rows when both sides split and type columns alike. */
  sameRow(row: number, other: KeyedSide, otherRow: number): boolean {
    if (!(other instanceof CsvSide) || !this.layoutMatches(other)) return false;
    const length = this.ends[row]! - this.starts[row]!;
    if (length !== other.ends[otherRow]! - other.starts[otherRow]!) return false;
    return (
      this.text.slice(this.starts[row], this.ends[row]) ===
      other.text.slice(other.starts[otherRow], other.ends[otherRow])
    );
  }

  private matched = new WeakMap<CsvSide, boolean>();
  private layoutMatches(other: CsvSide): boolean {
    let same = this.matched.get(other);
    if (same === undefined) {
      same =
        this.dialect.delimiter === other.dialect.delimiter &&
        this.columns.length === other.columns.length &&
        this.columns.every(
          (c, i) => c.name === other.columns[i]!.name && c.dtype === other.columns[i]!.dtype,
        );
      this.matched.set(other, same);
    }
    return same;
  }
}

function grow(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
