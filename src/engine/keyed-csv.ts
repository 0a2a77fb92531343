// A CSV as one side of a keyed compare, read lazily from its bytes: one pass records where each row
// starts and ends and the bytes of its key cells, and nothing else. A row's other cells are parsed only
// when the compare looks at them: when its bytes differ from its partner's, or when it is output.
// Equal row bytes under the same layout are equal rows, so a compare of two large, mostly equal files
// parses about as many cells as it outputs, and holds the files' bytes, two offsets and a key per row.
import { fieldText, readLayout, rowReader, scanBounds, type BoundsSink } from './csv-bounds.js';
import { QUOTE, scanRows, type Dialect, type RowSink } from './csv-scan.js';
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
  // A row's cells are an array of any values (V8's PACKED_ELEMENTS), as is this first one: an empty
  // array is of another kind, and storing the first row's cells would throw away the code compiled
  // for the side.
  private cachedCells: Cell[] = [null];

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
    const sink = new KeySink(this.bytes, this.columns, columns, first, numeric, this.rowsGuess);
    scanBounds(this.bytes, this.dialect, sink);
    this.rows = Math.max(sink.row, 0);
    this.starts = sink.starts;
    this.ends = sink.ends;
    const keys = numeric ? sink.numbers.subarray(0, this.rows) : sink.texts;
    return { keys, firstNull: sink.firstNull.subarray(0, this.rows) };
  }

  cell(row: number, column: number): Cell {
    if (row !== this.cachedRow) {
      const cells = new RowCells(this.columns);
      scanRows(this.bytes.toString('utf8', this.starts[row], this.ends[row]), this.dialect, cells);
      this.cachedRow = row;
      this.cachedCells = cells.cells;
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
      const a = convert(mine.text(this.bytes, c), dtype);
      const b = convert(theirs.text(other.bytes, c), dtype);
      if (a === null || b === null) return undefined;
      if (!differ && cellBytes(a, dtype) !== cellBytes(b, dtype)) differ = true;
    }
    return differ;
  }

  private fields: FieldBounds | undefined;
  private readRow: ((start: number) => void) | undefined;
  /** The bounds of row `row`'s fields (in an object reused by the next call). */
  private fieldsOf(row: number): FieldBounds {
    if (!this.fields) {
      this.fields = new FieldBounds(this.columns.length);
      this.readRow = rowReader(this.bytes, this.dialect, this.fields);
    }
    this.fields.count = 0;
    this.readRow!(this.starts[row]!);
    return this.fields;
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

/**
 * What keyBytes keeps of each row as the bounds scanner reports it: where it starts and ends, whether
 * its first key cell is null, and its key (a number when `numeric`, else the key cells' bytes). The
 * sinks here are classes, not object literals made per call: V8 makes its code for the scanner's
 * calls for the functions it has seen there, and the second file's new closures would throw the
 * first file's code away (a deopt, then slow code again, in each of the compare's two passes).
 */
class KeySink implements BoundsSink {
  /** Only the fields up to the last key column are read; the rest of each row is skipped. */
  readonly limit: number;
  private readonly wanted: Map<number, number>;
  private readonly dtypes: Dtype[];
  readonly texts: Array<string | null> = [];
  numbers: Float64Array<ArrayBuffer>;
  firstNull: Uint8Array<ArrayBuffer>;
  starts: Uint32Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
  /** The row being read; the header is row -1. */
  row = -1;
  private value = NaN;
  private readonly parts: string[];
  private firstIsNull = true;

  constructor(
    private readonly source: Buffer,
    layout: ReadonlyArray<{ dtype: Dtype }>,
    private readonly columns: number[],
    private readonly first: number,
    private readonly numeric: boolean,
    rowsGuess: number,
  ) {
    this.limit = Math.max(1, first + 1, ...columns.map((c) => c + 1));
    this.wanted = new Map(columns.map((c, i) => [c, i]));
    this.dtypes = layout.map((c) => c.dtype);
    this.parts = columns.map(() => '');
    // Sized for the rows the head suggests (a little over), so that a large file is rarely copied.
    const capacity = Math.max(1024, Math.ceil(rowsGuess * 1.02));
    this.numbers = new Float64Array(numeric ? capacity : 0);
    this.firstNull = new Uint8Array(capacity);
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
  }

  field(start: number, end: number, column: number): void {
    if (this.row < 0) return;
    const { source, first } = this;
    const at = this.wanted.get(column);
    if (column !== first && at === undefined) return;
    const dtype = this.dtypes[column]!;
    if (this.numeric) {
      const cell = integerAt(source, start, end) ?? convert(fieldText(source, start, end), dtype);
      this.firstIsNull = cell === null;
      this.value = cell === null ? NaN : (cell as number);
    } else if (dtype === 'str' && source[start] !== QUOTE) {
      // An unquoted text cell's bytes are the bytes oxen hashes; empty is null, which hashes as nothing.
      if (at !== undefined) this.parts[at] = source.toString('latin1', start, end);
      if (column === first) this.firstIsNull = start === end;
    } else {
      const cell = convert(fieldText(source, start, end), dtype);
      if (column === first) this.firstIsNull = cell === null;
      if (at !== undefined) this.parts[at] = cellBytes(cell, dtype);
    }
  }

  rowEnd(start: number, end: number): void {
    const { row } = this;
    // Counted before the header returns: code only the header runs is run before V8 keeps type
    // feedback for this method, and would throw away its compiled code when the next file's runs it.
    this.row = row + 1;
    if (row < 0) return;
    if (row === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.firstNull = grow(this.firstNull);
      if (this.numeric) this.numbers = grow(this.numbers);
    }
    this.starts[row] = start;
    this.ends[row] = end;
    this.firstNull[row] = this.first < 0 || this.firstIsNull ? 1 : 0;
    this.firstIsNull = true;
    if (this.numeric) {
      this.numbers[row] = this.value;
      this.value = NaN;
    } else {
      const { columns, parts } = this;
      this.texts.push(columns.length === 0 ? null : columns.length === 1 ? parts[0]! : parts.join(''));
      parts.fill('');
    }
  }
}

/** Where each field of one row starts and ends, for the header's columns (a row's further fields are cut). */
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

  /** Column `c`'s value as text ('' for a field the row lacks, as a short row is padded). */
  text(bytes: Buffer, c: number): string {
    return c < this.count ? fieldText(bytes, this.starts[c]!, this.ends[c]!) : '';
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

/** One row's cells, of their columns' dtypes, as scanRows reports its fields (a class: see KeySink). */
class RowCells implements RowSink {
  readonly cells: Cell[];

  constructor(private readonly columns: ReadonlyArray<{ dtype: Dtype }>) {
    this.cells = columns.map(() => null);
  }

  field(value: string, column: number): void {
    if (column < this.cells.length) this.cells[column] = convert(value, this.columns[column]!.dtype);
  }

  rowEnd(): void {}
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
