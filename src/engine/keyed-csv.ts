// A CSV as one side of a keyed compare, read lazily from its bytes: one pass records where each row
// starts and ends and the bytes of its key cells, and nothing else. A row's other cells are parsed only
// when the compare looks at them: when its bytes differ from its partner's, or when it is output.
// Equal row bytes under the same layout are equal rows, so a compare of two large, mostly equal files
// parses about as many cells as it outputs, and holds the files' bytes, two offsets and a key per row.
import { readLayout, rowReader, type BoundsSink } from './csv-bounds.js';
import { cellAt, KeySink, scanKeys } from './csv-keys.js';
import type { Dialect } from './csv-scan.js';
import { writeField, type JsonOut } from './json-out.js';
import type { CsvOptions } from './csv.js';
import { cellBytes, type Cell, type Dtype } from './frame.js';
import type { KeyedRows, KeyedSide } from './keyed-diff.js';

export class CsvSide implements KeyedSide {
  readonly columns: Array<{ name: string; dtype: Dtype }>;
  private readonly bytes: Buffer;
  /** The bytes, read four at a time by firstDifference. */
  private readonly view: DataView;
  private readonly dialect: Dialect;
  private starts = new Uint32Array(0);
  private ends = new Uint32Array(0);
  private rows = 0;

  private constructor(
    columns: CsvSide['columns'],
    bytes: Buffer,
    dialect: Dialect,
    private readonly rowsGuess: number,
  ) {
    this.columns = columns;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

  keyBytes(columns: number[], first: number, numeric: boolean): KeyedRows {
    const sink = new KeySink(this.bytes, this.columns, columns, first, numeric, this.rowsGuess);
    scanKeys(this.bytes, this.dialect, sink);
    this.rows = Math.max(sink.row, 0);
    this.starts = sink.starts;
    this.ends = sink.ends;
    const keys = numeric ? sink.numbers.subarray(0, this.rows) : sink.texts;
    return { keys, firstNull: sink.firstNull.subarray(0, this.rows) };
  }

  /** A cell, read from its field's bytes (the row's field bounds are kept for its other cells). */
  cell(row: number, column: number): Cell {
    const dtype = this.columns[column]?.dtype;
    return dtype === undefined ? null : this.fieldsOf(row).cell(this.bytes, column, dtype);
  }

  /** Writes a cell as JSON from its field's bytes (most are copied as they are). */
  writeCell(row: number, column: number, out: JsonOut): boolean {
    const dtype = this.columns[column]?.dtype;
    if (dtype === undefined) return false;
    const fields = this.fieldsOf(row);
    return (
      column < fields.count &&
      writeField(out, this.bytes, fields.starts[column]!, fields.ends[column]!, dtype)
    );
  }

  /**
   * Identical row bytes are identical rows when both sides split and type columns alike. Two versions
   * of a file mostly hold the same rows in the same order, so the rows from `row` on are compared a
   * run at a time (sameRun): when a run's bytes are the same on both sides, so is each of its rows
   * (both scanners split the same bytes alike), and the run's later rows need no compare of their own.
   */
  sameRow(row: number, other: KeyedSide, otherRow: number): boolean {
    if (!(other instanceof CsvSide) || !this.layoutMatches(other)) return false;
    const { run } = this;
    if (row >= run.start && row < run.end && otherRow - row === run.shift) return true;
    const same = this.sameRun(row, other, otherRow);
    [run.start, run.end, run.shift] = [row, row + same, otherRow - row];
    return same > 0;
  }

  /**
   * How many rows from `row` on have the bytes of as many from `otherRow` of `other` (0 where the
   * layouts differ). One loop compares the two files' bytes from those rows on up to the first that
   * differs, which is about the next changed row: a call into native code per row or block of rows
   * costs more than the loop, between files that differ in 1% of their rows.
   */
  sameRun(row: number, other: KeyedSide, otherRow: number): number {
    if (!(other instanceof CsvSide) || !this.layoutMatches(other)) return 0;
    const shift = other.starts[otherRow]! - this.starts[row]!;
    const at = this.firstDifference(other, this.starts[row]!, shift);
    // The rows wholly before the first difference, starting and ending at the same places on both sides.
    let same = 0;
    for (let r = row, o = otherRow; r < this.rows && o < other.rows; r++, o++, same++)
      if (
        this.ends[r]! > at ||
        other.ends[o] !== this.ends[r]! + shift ||
        other.starts[o] !== this.starts[r]! + shift
      )
        break;
    return same;
  }

  /**
   * The first place from `from` on where this side's byte differs from `other`'s `shift` bytes further
   * (or the end of either), comparing eight bytes at a time, as two 32-bit integers (exact, where
   * doubles would take +0 for -0), then a byte at a time.
   */
  private firstDifference(other: CsvSide, from: number, shift: number): number {
    const [mine, theirs] = [this.bytes, other.bytes];
    const [myView, theirView] = [this.view, other.view];
    const limit = Math.min(mine.length, theirs.length - shift);
    let at = from;
    while (
      at + 8 <= limit &&
      myView.getInt32(at, true) === theirView.getInt32(at + shift, true) &&
      myView.getInt32(at + 4, true) === theirView.getInt32(at + shift + 4, true)
    )
      at += 8;
    while (at < limit && mine[at] === theirs[at + shift]) at++;
    return at;
  }

  /** The last run found the same: rows `start` to `end` (excluded), and the other side's from `start + shift`. */
  private readonly run = { start: 0, end: 0, shift: 0 };

  /**
   * Tells from the fields whose bytes differ, for another side of the same layout: a field of equal
   * bytes is an equal cell. Where every differing cell is a number or a boolean on both sides (bytes
   * of one width per column), the concatenated bytes differ exactly when one of those cells' bytes
   * do; a differing cell that is text or null can shift the rest, and is left to the whole rows.
   */
  targetsDiffer(row: number, other: KeyedSide, otherRow: number, columns: number[]): boolean | undefined {
    if (!(other instanceof CsvSide) || !this.layoutMatches(other)) return undefined;
    const mine = this.fieldsOf(row);
    const theirs = other.fieldsOf(otherRow);
    let differ = false;
    for (const c of columns) {
      if (sameField(this.bytes, mine, other.bytes, theirs, c)) continue;
      const dtype = this.columns[c]!.dtype;
      if (dtype === 'str') return undefined;
      const a = mine.cell(this.bytes, c, dtype);
      const b = theirs.cell(other.bytes, c, dtype);
      if (a === null || b === null) return undefined;
      if (!differ && cellBytes(a, dtype) !== cellBytes(b, dtype)) differ = true;
    }
    return differ;
  }

  private fields: FieldBounds | undefined;
  private readRow: ((start: number) => number) | undefined;
  /** The row whose bounds `fields` holds. */
  private fieldsRow = -1;
  /** The bounds of row `row`'s fields (in an object that the next row's reuse). */
  private fieldsOf(row: number): FieldBounds {
    if (!this.fields) {
      this.fields = new FieldBounds(this.columns.length);
      this.readRow = rowReader(this.bytes, this.dialect, this.fields);
    }
    if (row !== this.fieldsRow) {
      this.fields.count = 0;
      this.readRow!(this.starts[row]!);
      this.fieldsRow = row;
    }
    return this.fields;
  }

  /** The side last asked about, and whether its layout matches (a compare asks about one side only). */
  private matchedSide: CsvSide | undefined;
  private matched = false;
  private layoutMatches(other: CsvSide): boolean {
    if (other !== this.matchedSide) {
      this.matchedSide = other;
      this.run.end = 0; // a run found with another side says nothing of this one
      this.matched =
        this.dialect.delimiter === other.dialect.delimiter &&
        this.columns.length === other.columns.length &&
        this.columns.every(
          (c, i) => c.name === other.columns[i]!.name && c.dtype === other.columns[i]!.dtype,
        );
    }
    return this.matched;
  }
}

/**
 * Where each field of one row starts and ends, for the header's columns (a row's further fields are
 * cut).
 */
class FieldBounds implements BoundsSink {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** How many fields the row has, up to the header's count; a short row's missing ones are empty. */
  count = 0;

  constructor(readonly width: number) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
  }

  field(start: number, end: number, column: number): void {
    if (column >= this.width) return;
    this.starts[column] = start;
    this.ends[column] = end;
    this.count = column + 1;
  }

  rowEnd(): void {}

  /** Column `c`'s bytes' length: 0 for a field the row lacks. */
  length(c: number): number {
    return c < this.count ? this.ends[c]! - this.starts[c]! : 0;
  }

  /** Column `c`'s cell (null for a field the row lacks, as a short row is padded with ''). */
  cell(bytes: Buffer, c: number, dtype: Dtype): Cell {
    return c < this.count ? cellAt(bytes, this.starts[c]!, this.ends[c]!, dtype) : null;
  }
}

/** Whether column `c` has the same bytes in two rows (a field a row lacks is empty). */
function sameField(a: Buffer, af: FieldBounds, b: Buffer, bf: FieldBounds, c: number): boolean {
  const length = af.length(c);
  if (length !== bf.length(c)) return false;
  if (length === 0) return true;
  const [as, bs] = [af.starts[c]!, bf.starts[c]!];
  for (let k = 0; k < length; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}
