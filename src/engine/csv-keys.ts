// The key bytes of each row of a CSV, read from its bytes by the bounds scanner (or, for one i64 key,
// a loop of its own) for the keyed compare and the tabular diff (keyed-csv.ts): where each row starts
// and ends, and its key, the bytes oxen hashes over the key columns (a number, for one i64 key).
import {
  afterQuoted,
  fieldText,
  oneByteDialect,
  rowReader,
  scanBounds,
  type BoundsSink,
} from './csv-bounds.js';
import { QUOTE, type Dialect } from './csv-scan.js';
import { convert } from './csv.js';
import { decimalAt, integerAt, MINUS } from './field-numbers.js';
import { cellBytes, writeCellBytes, type Cell, type Dtype } from './frame.js';

/**
 * Reports the rows of `bytes` to `sink` as scanBounds does. For one i64 key column in a dialect of a
 * one-byte delimiter and line break (most compares), the rows after the header are kept by
 * KeySink.plainNumericRows: in a fresh process, the keys of 100,000 rows took 11-20 ms so, against
 * 20-43 ms through the bounds scanner, whose calls once a row V8 runs uncompiled for longer (20-30
 * against 22-35 ms with a quoted column after the key; eight or ten runs of each, by hand).
 */
export function scanKeys(bytes: Buffer, dialect: Dialect, sink: KeySink): void {
  const plain = oneByteDialect(dialect);
  if (!sink.plainNumeric || !plain) {
    scanBounds(bytes, dialect, sink);
    return;
  }
  const readRow = rowReader(bytes, dialect, sink);
  // The header: the first row that is not empty.
  let pos = 0;
  while (sink.row < 0 && pos < bytes.length) pos = readRow(pos);
  sink.plainNumericRows(pos, plain[0], plain[1], readRow);
}

/**
 * What keyBytes keeps of each row as the bounds scanner reports it: where it starts and ends, whether
 * its first key cell is null, and its key (a number when `numeric`, else the key cells' bytes). It is
 * a class, as the scanners' other sinks are, not an object literal made per call: V8 makes its code
 * for the scanner's calls for the functions it has seen there, and the second file's new closures
 * would throw the first file's code away (a deopt, then slow code again, in each of two passes).
 */
export class KeySink implements BoundsSink {
  /** Only the fields up to the last key column are read; the rest of each row is skipped. */
  readonly limit: number;
  /** Per column of the file, its place among the key columns (-1 for none). */
  private readonly places: Int32Array;
  private readonly dtypes: Dtype[];
  readonly texts: Array<string | null> = [];
  numbers: Float64Array<ArrayBuffer>;
  firstNull: Uint8Array<ArrayBuffer>;
  starts: Uint32Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
  /** Whether the key is one i64 column, which plainNumericRows reads. */
  readonly plainNumeric: boolean;
  /** The row being read; the header is row -1. */
  row = -1;
  private value = NaN;
  private firstIsNull = true;
  /**
   * Key columns in the file's order (as every whole-row key is) come in the order their bytes are
   * joined: each cell's bytes are written after the last, and the key is read out once a row, as
   * one string. Otherwise each cell's bytes are kept in `parts`, joined at the row's end.
   */
  private readonly inOrder: boolean;
  private readonly parts: string[];
  private key = Buffer.allocUnsafe(256);
  private keyLength = 0;

  constructor(
    private readonly source: Buffer,
    layout: ReadonlyArray<{ dtype: Dtype }>,
    private readonly columns: number[],
    private readonly first: number,
    private readonly numeric: boolean,
    rowsGuess: number,
  ) {
    this.limit = Math.max(1, first + 1, ...columns.map((c) => c + 1));
    this.places = new Int32Array(Math.max(layout.length, this.limit)).fill(-1);
    columns.forEach((c, i) => (this.places[c] = i));
    this.dtypes = layout.map((c) => c.dtype);
    this.plainNumeric = numeric && first >= 0 && this.dtypes[first] === 'i64';
    this.inOrder = columns.every((c, i) => i === 0 || c > columns[i - 1]!);
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
    const at = column < this.places.length ? this.places[column]! : -1;
    if (column !== first && at < 0) return;
    const dtype = this.dtypes[column]!;
    if (this.numeric) {
      const cell = cellAt(source, start, end, dtype);
      this.firstIsNull = cell === null;
      this.value = cell === null ? NaN : (cell as number);
    } else if (dtype === 'str' && source[start] !== QUOTE) {
      // An unquoted text cell's bytes are the bytes oxen hashes; empty is null, which hashes as nothing.
      if (column === first) this.firstIsNull = start === end;
      if (at < 0) return;
      if (this.inOrder) this.append(start, end);
      else this.parts[at] = source.toString('latin1', start, end);
    } else {
      const cell = cellAt(source, start, end, dtype);
      if (column === first) this.firstIsNull = cell === null;
      if (at < 0) return;
      if (!this.inOrder) this.parts[at] = cellBytes(cell, dtype);
      else {
        this.room(typeof cell === 'string' ? cell.length * 3 : 8);
        this.keyLength = writeCellBytes(this.key, this.keyLength, cell, dtype);
      }
    }
  }

  /**
   * Keeps the rows from `pos` on (the row after the header) as field() and rowEnd() keep them when
   * the bounds scanner reports them, for one i64 key column (plainNumeric) in a dialect of a one-byte
   * delimiter `d0` and line break `n0`, in one small loop that V8 compiles early: the fields up to
   * the key's are found in a byte loop, the row's end and its quotes natively (a quote that opens a
   * field after the key's runs to its closing quote, line breaks and all), and a key of up to 15
   * digits is read as its field is passed over, and kept in place (a fresh process's keys of the
   * bench's 100k-row file took 13 ms so, against 14-16 with the field passed over first and its
   * digits read after: medians of 25-30 runs, by hand). A row with a quote before its key's end is
   * read by `readRow`, the bounds scanner's reader of a row, which returns where the next row starts.
   */
  plainNumericRows(pos: number, d0: number, n0: number, readRow: (start: number) => number): void {
    const { source, first } = this;
    const end = source.length;
    let nextQuote = -1;
    while (pos < end) {
      if (nextQuote < pos) {
        nextQuote = source.indexOf(QUOTE, pos);
        if (nextQuote < 0) nextQuote = end;
      }
      // The key's field: its column's, or where the row ends when it has fewer fields. A key of up
      // to 15 digits is read here, as integerAt reads it; any other as field() reads it.
      let start = pos;
      let at = pos;
      let column = 0;
      while (column !== first) {
        while (at < end && source[at] !== d0 && source[at] !== n0) at++;
        if (at >= end || source[at] === n0) break;
        start = ++at;
        column++;
      }
      const negative = at < end && source[at] === MINUS;
      if (negative) at++;
      const digits = at;
      let value = 0;
      for (; at < end; at++) {
        const d = source[at]! - 0x30;
        if (d < 0 || d > 9) break;
        value = value * 10 + d;
      }
      let short = column === first && at > digits && at - digits <= 15;
      if (at < end && source[at] !== d0 && source[at] !== n0) {
        short = false;
        while (at < end && source[at] !== d0 && source[at] !== n0) at++;
      }
      if (nextQuote < at) {
        pos = readRow(pos);
        continue;
      }
      const last = at >= end || source[at] === n0;
      // A lone empty field is not a row.
      if (last && at === pos) {
        pos = at + 1;
        continue;
      }
      let rowEnd = at;
      if (!last) {
        rowEnd = source.indexOf(n0, at);
        if (rowEnd < 0) rowEnd = end;
        // Quotes in the rest of the row: one that opens a field (after a delimiter) runs to its
        // closing quote, and a line break inside it is not the row's end; any other is a plain byte.
        while (nextQuote < rowEnd) {
          let from = nextQuote + 1;
          if (source[nextQuote - 1] === d0) {
            from = afterQuoted(source, nextQuote);
            if (from > rowEnd) {
              rowEnd = source.indexOf(n0, from);
              if (rowEnd < 0) rowEnd = end;
            }
          }
          nextQuote = source.indexOf(QUOTE, from);
          if (nextQuote < 0) nextQuote = end;
        }
      }
      const { row } = this;
      if (short && row < this.starts.length) {
        this.starts[row] = pos;
        this.ends[row] = rowEnd;
        this.numbers[row] = negative ? -value : value;
        this.firstNull[row] = 0;
        this.row = row + 1;
      } else {
        if (column === first) this.field(start, at, first);
        this.rowEnd(pos, rowEnd);
      }
      pos = rowEnd + 1;
    }
  }

  /** Appends the source's bytes from `start` to `end` to the row's key. */
  private append(start: number, end: number): void {
    this.room(end - start);
    const { source, key } = this;
    let at = this.keyLength;
    for (let k = start; k < end; k++) key[at++] = source[k]!;
    this.keyLength = at;
  }

  /** Makes room for `bytes` more bytes of the row's key. */
  private room(bytes: number): void {
    if (this.keyLength + bytes <= this.key.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.key.length * 2, this.keyLength + bytes));
    this.key.copy(larger, 0, 0, this.keyLength);
    this.key = larger;
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
    } else if (this.columns.length === 0) this.texts.push(null);
    else if (this.inOrder) {
      this.texts.push(this.key.toString('latin1', 0, this.keyLength));
      this.keyLength = 0;
    } else {
      const { columns, parts } = this;
      this.texts.push(columns.length === 1 ? parts[0]! : parts.join(''));
      parts.fill('');
    }
  }
}

function grow<T extends Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(
  array: T,
): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.ceil(array.length * 1.5));
  bigger.set(array);
  return bigger;
}

/** The cell of dtype `dtype` whose field is `bytes[start, end)`, as `convert` gives it. */
export function cellAt(bytes: Buffer, start: number, end: number, dtype: Dtype): Cell {
  if (dtype === 'i64') return integerAt(bytes, start, end) ?? convert(fieldText(bytes, start, end), dtype);
  if (dtype === 'f64')
    return (
      integerAt(bytes, start, end) ??
      decimalAt(bytes, start, end) ??
      convert(fieldText(bytes, start, end), dtype)
    );
  return convert(fieldText(bytes, start, end), dtype);
}
