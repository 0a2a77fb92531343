// A CSV as one side of a keyed compare, read lazily from its bytes: one pass records where each row
// starts and ends and the bytes of its key cells, and nothing else. A row's other cells are parsed only
// when the compare looks at them: when its bytes differ from its partner's, or when it is output.
// Equal row bytes under the same layout are equal rows, so a compare of two large, mostly equal files
// parses about as many cells as it outputs, and holds the files' bytes, two offsets and a key per row.
import { fieldText, readLayout, scanBounds } from './csv-bounds.js';
import { QUOTE, scanRows, type Dialect } from './csv-scan.js';
import { convert, type CsvOptions } from './csv.js';
import { cellBytes, type Cell, type Dtype } from './frame.js';
import type { KeyedSide } from './keyed-diff.js';
import type { JoinKeys } from './keyed-join.js';

export class CsvSide implements KeyedSide {
  readonly columns: Array<{ name: string; dtype: Dtype }>;
  private readonly bytes: Buffer;
  private readonly dialect: Dialect;
  private starts = new Uint32Array(0);
  private ends = new Uint32Array(0);
  private rows = 0;
  /** The last row parsed, and its cells (the compare reads a row's cells together). */
  private cachedRow = -1;
  private cachedCells: Cell[] = [];

  private constructor(
    columns: CsvSide['columns'],
    bytes: Buffer,
    dialect: Dialect,
    private readonly rowsGuess: number,
  ) {
    this.columns = columns;
    this.bytes = bytes;
    this.dialect = dialect;
  }

  /** The side for a CSV file's bytes, or why it cannot be read (as readFrame would refuse it). */
  static read(
    bytes: Uint8Array,
    options: CsvOptions = {},
  ): { ok: true; side: CsvSide } | { ok: false; error: string } {
    const read = readLayout(bytes, options);
    if (!read.ok) return read;
    const { columns, body, dialect, rowsGuess } = read.layout;
    return { ok: true, side: new CsvSide(columns, body, dialect, rowsGuess) };
  }

  get height(): number {
    return this.rows;
  }

  keyBytes(columns: number[], first: number, numeric: boolean): { keys: JoinKeys; firstNull: Uint8Array } {
    const wanted = new Map(columns.map((c, i) => [c, i]));
    const dtypes = this.columns.map((c) => c.dtype);
    const source = this.bytes;
    const texts: Array<string | null> = [];
    // Sized for the rows the head suggests (a little over), so that a large file is rarely copied.
    const capacity = Math.max(1024, Math.ceil(this.rowsGuess * 1.02));
    let numbers = new Float64Array(numeric ? capacity : 0);
    let value = NaN;
    let firstNull = new Uint8Array(capacity);
    let starts = new Uint32Array(capacity);
    let ends = new Uint32Array(capacity);
    // The row being read; the header is row -1.
    let row = -1;
    const parts: string[] = columns.map(() => '');
    let firstIsNull = true;
    const sink = {
      // Only the fields up to the last key column are read; the rest of each row is skipped.
      limit: Math.max(1, first + 1, ...columns.map((c) => c + 1)),
      field(start: number, end: number, column: number) {
        if (row < 0) return;
        const at = wanted.get(column);
        if (column !== first && at === undefined) return;
        const dtype = dtypes[column]!;
        if (numeric) {
          const cell = integerAt(source, start, end) ?? convert(fieldText(source, start, end), dtype);
          firstIsNull = cell === null;
          value = cell === null ? NaN : (cell as number);
        } else if (dtype === 'str' && source[start] !== QUOTE) {
          // An unquoted text cell's bytes are the bytes oxen hashes; empty is null, which hashes as nothing.
          if (at !== undefined) parts[at] = source.toString('latin1', start, end);
          if (column === first) firstIsNull = start === end;
        } else {
          const cell = convert(fieldText(source, start, end), dtype);
          if (column === first) firstIsNull = cell === null;
          if (at !== undefined) parts[at] = cellBytes(cell, dtype);
        }
      },
      rowEnd(start: number, end: number) {
        if (row < 0) {
          row++;
          return;
        }
        if (row === starts.length) {
          starts = grow(starts);
          ends = grow(ends);
          firstNull = grow(firstNull);
          if (numeric) numbers = grow(numbers);
        }
        starts[row] = start;
        ends[row] = end;
        firstNull[row] = first < 0 || firstIsNull ? 1 : 0;
        firstIsNull = true;
        if (numeric) {
          numbers[row] = value;
          value = NaN;
        } else {
          texts.push(columns.length === 0 ? null : columns.length === 1 ? parts[0]! : parts.join(''));
          parts.fill('');
        }
        row++;
      },
    };
    scanBounds(source, this.dialect, sink);
    this.rows = Math.max(row, 0);
    this.starts = starts;
    this.ends = ends;
    const keys = numeric ? numbers.subarray(0, this.rows) : texts;
    return { keys, firstNull: firstNull.subarray(0, this.rows) };
  }

  cell(row: number, column: number): Cell {
    if (row !== this.cachedRow) {
      const cells: Cell[] = this.columns.map(() => null);
      scanRows(this.bytes.toString('utf8', this.starts[row], this.ends[row]), this.dialect, {
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

  /** Identical row bytes are identical rows when both sides split and type columns alike. */
  sameRow(row: number, other: KeyedSide, otherRow: number): boolean {
    if (!(other instanceof CsvSide) || !this.layoutMatches(other)) return false;
    const length = this.ends[row]! - this.starts[row]!;
    if (length !== other.ends[otherRow]! - other.starts[otherRow]!) return false;
    return (
      other.bytes.compare(
        this.bytes,
        this.starts[row],
        this.ends[row],
        other.starts[otherRow],
        other.ends[otherRow],
      ) === 0
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

function grow<T extends Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(
  array: T,
): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.ceil(array.length * 1.5));
  bigger.set(array);
  return bigger;
}

/**
 * An unquoted integer cell of at most 15 digits (exact as a double, as Number() would read it), or
 * null when empty; undefined for anything else, which the caller converts the slow way.
 */
function integerAt(bytes: Buffer, start: number, end: number): number | null | undefined {
  if (start === end) return null;
  const negative = bytes[start] === 0x2d;
  let at = negative ? start + 1 : start;
  if (at === end || end - at > 15) return undefined;
  let value = 0;
  for (; at < end; at++) {
    const digit = bytes[at]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}
