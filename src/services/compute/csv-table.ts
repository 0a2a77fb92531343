// A CSV table stored as table-bytes.ts keeps it, its columns built from the file's bytes when it is
// UTF-8: what registering a data source's CSV table stores.
import { isUtf8 } from 'node:buffer';
import {
  afterQuoted,
  continuesAs,
  fieldText,
  readLayout,
  scanBounds,
  type BoundsSink,
} from '../../engine/csv-bounds.js';
import { cellAt } from '../../engine/csv-keys.js';
import { readCsv, repeatedName, repeatedNameError, type CsvOptions } from '../../engine/csv.js';
import { QUOTE, type Dialect } from '../../engine/csv-scan.js';
import { booleanAt, MINUS, POINT, TENS } from '../../engine/field-numbers.js';
import type { Dtype } from '../../engine/frame.js';
import {
  BoolBuilder,
  mostDistinct,
  NumberBuilder,
  SAMPLE,
  TextBuilder,
  WordsBuilder,
} from './column-builders.js';
import { tableBytes, tableChunks } from './table-bytes.js';
import { keepShapes } from '../../engine/kept-shapes.js';
import type { Steps } from '../steps.js';

/** The table's bytes as the chunks they are made of, one after the other (tableChunks), or why not. */
type CsvTableResult = { ok: true; chunks: Buffer[] } | { ok: false; error: string };

/** Bytes read a step: 10-20 ms of a large table's columns. */
export const STEP_BYTES = 2 << 20;

/**
 * The stored bytes of the table in a CSV, text or bytes, read as readCsv reads it (tableBytes of its
 * frame), or why readCsv refuses it, in steps (steps.ts): the text made bytes, the head read, then
 * the rows STEP_BYTES a step, then the table's bytes made. Bytes that are UTF-8, and text that is
 * (no lone surrogate), are read from the bytes (csvColumns); others are read as text, leniently.
 */
export function* csvTableSteps(csv: string | Uint8Array, options: CsvOptions): Steps<CsvTableResult> {
  const bytes =
    typeof csv === 'string' ? (csv.isWellFormed() ? Buffer.from(csv) : null) : isUtf8(csv) ? csv : null;
  if (bytes) {
    yield;
    return yield* csvColumns(bytes, options);
  }
  const parsed = readCsv(typeof csv === 'string' ? csv : Buffer.from(csv).toString('utf8'), options);
  if (!parsed.ok) return parsed;
  const { columns, height } = parsed.frame;
  return {
    ok: true,
    chunks: [
      tableBytes({
        columns: columns.map(({ name, dtype }) => ({ name, dtype })),
        values: columns.map((c) => c.values),
        height,
      }),
    ],
  };
}

/**
 * tableBytes of the frame readCsv reads from the UTF-8 `bytes`, built from the bytes in one pass
 * (ColumnsReader): most numbers are read from their bytes, most text is copied, and only other cells
 * are made values. The head's bounds scan types the columns, and a sample of their first values
 * tells how each text column is kept.
 */
function* csvColumns(bytes: Uint8Array, options: CsvOptions): Steps<CsvTableResult> {
  const read = readLayout(bytes, options);
  if (!read.ok) return read;
  const { columns, header, body, dialect, rowsStart, rowsGuess } = read.layout;
  const duplicate = options.refuseDuplicateNames ? repeatedName(header) : undefined;
  if (duplicate !== undefined) return { ok: false, error: repeatedNameError(duplicate) };
  const texts = columns.map(({ dtype }) => dtype === 'str' || dtype === 'null');
  const distinct = [...texts];
  if (texts.some(Boolean)) {
    const sample = new TextSample(body, texts);
    for (let at = rowsStart; at < body.length && !sample.full;)
      at = scanBounds(body, dialect, sample, SAMPLE, at);
    sample.seen.forEach((seen, c) => (distinct[c] &&= mostDistinct(seen.size, sample.counts[c]!)));
  }
  const dtypes = columns.map((c) => c.dtype);
  const capacity = Math.ceil(rowsGuess * 1.02);
  const share = Math.ceil(body.length / Math.max(dtypes.length, 1));
  const builders = dtypes.map((dtype, c) =>
    dtype === 'i64' || dtype === 'f64'
      ? new NumberBuilder(capacity)
      : dtype === 'bool'
        ? new BoolBuilder(capacity)
        : distinct[c]
          ? new TextBuilder(capacity, share)
          : new WordsBuilder(capacity),
  );
  const reader = new ColumnsReader(body, dialect, dtypes, builders);
  yield;
  for (let at = rowsStart; at < body.length;) {
    at = reader.read(at, at + STEP_BYTES);
    yield;
  }
  const values = builders.map((builder) => builder.finish());
  return { ok: true, chunks: tableChunks({ columns, values, height: reader.rows }) };
}

/** The first SAMPLE non-null values of each text column (`texts`), which tell its kind (mostDistinct). */
class TextSample implements BoundsSink {
  readonly seen: Array<Set<string>>;
  readonly counts: number[];
  readonly limit: number;

  constructor(
    private readonly bytes: Buffer,
    texts: boolean[],
  ) {
    this.seen = texts.map(() => new Set());
    // Other columns are not sampled: their sample is full from the start.
    this.counts = texts.map((text) => (text ? 0 : SAMPLE));
    this.limit = texts.length;
  }

  get full(): boolean {
    return this.counts.every((n) => n >= SAMPLE);
  }

  field(start: number, end: number, column: number): void {
    if (this.counts[column]! >= SAMPLE) return;
    const text = fieldText(this.bytes, start, end);
    if (text === '') return;
    this.seen[column]!.add(text);
    this.counts[column]!++;
  }

  rowEnd(): void {}
}

type Builder = NumberBuilder | BoolBuilder | TextBuilder | WordsBuilder;

// The kinds of column the reader tells apart, as small integers for its switch (text is kept as
// bytes or as words).
const INTEGERS = 0;
const NUMBERS = 1;
const BOOLEANS = 2;
const TEXT = 3;

/**
 * Each column built from the rows of a CSV's bytes, with scanBounds' rules (csv-bounds.ts), in one
 * loop that reads a field as its column wants it, as it looks for the field's end: a number's
 * digits read, a text's bytes copied, a word's hashed (in a dialect of longer delimiters or line
 * breaks, a text field's end is found first). Quoted fields with a quote inside, and numbers not
 * written as field-numbers.ts reads them, are read as the field's text, as readCsv reads them. A
 * short row's missing cells are null; a long row's extra fields are skipped. It replaces a sink of
 * scanBounds, which found each field's end, then read its bytes again behind a call per field: a
 * 1M-row table was built at 59-70 MB/s so.
 */
class ColumnsReader {
  rows = 0;
  private readonly kinds: Uint8Array;
  private readonly end: number;
  private readonly delimiter: Buffer;
  private readonly newline: Buffer;
  private readonly d0: number;
  private readonly n0: number;
  /** Whether the delimiter and the line break are a byte each (as in most files). */
  private readonly singleBytes: boolean;

  constructor(
    private readonly bytes: Buffer,
    dialect: Dialect,
    dtypes: Dtype[],
    private readonly builders: Builder[],
  ) {
    this.kinds = Uint8Array.from(builders, (builder, c) =>
      builder instanceof NumberBuilder
        ? dtypes[c] === 'i64'
          ? INTEGERS
          : NUMBERS
        : builder instanceof BoolBuilder
          ? BOOLEANS
          : TEXT,
    );
    this.end = bytes.length;
    this.delimiter = Buffer.from(dialect.delimiter);
    this.newline = Buffer.from(dialect.newline);
    this.d0 = this.delimiter[0]!;
    this.n0 = this.newline[0]!;
    this.singleBytes = this.delimiter.length === 1 && this.newline.length === 1;
  }

  /**
   * Reads the rows from `from`, the start of a row, that start before `upTo`; returns where the next
   * row starts (or the end).
   */
  read(from: number, upTo: number): number {
    let pos = from;
    while (pos < this.end && pos < upTo) pos = this.row(pos);
    return pos;
  }

  /** Reads the row at `pos` (unless it is empty) and returns where the next one starts. */
  private row(pos: number): number {
    const { bytes, end } = this;
    // A lone empty field is not a row: an empty line, or a quoted nothing.
    if (this.newlineAt(pos)) return pos + this.newline.length;
    if (bytes[pos] === QUOTE) {
      const fieldEnd = this.fieldEnd(pos);
      if ((fieldEnd >= end || this.newlineAt(fieldEnd)) && fieldText(bytes, pos, fieldEnd) === '')
        return fieldEnd + this.newline.length;
    }
    if (this.singleBytes) return this.plainRow(pos);
    const width = this.kinds.length;
    let c = 0;
    pos = this.field(c++, pos);
    // Each field ends at a delimiter, a line break or the end.
    while (pos < end && bytes[pos] === this.d0 && !this.newlineAt(pos)) {
      pos += this.delimiter.length;
      if (c === width) {
        pos = this.skipRest(pos);
        break;
      }
      pos = this.field(c++, pos);
    }
    for (; c < width; c++) this.pushNull(c);
    this.rows++;
    return pos + this.newline.length;
  }

  /**
   * row() in a dialect of a one-byte delimiter and line break (most files), where a byte tells a
   * field's end: a table of 1M rows read 5% faster with this loop of its own (by hand).
   */
  private plainRow(pos: number): number {
    const { bytes, end, d0 } = this;
    const width = this.kinds.length;
    let c = 0;
    for (;;) {
      pos = this.field(c++, pos);
      if (pos >= end || bytes[pos] !== d0) break;
      pos++;
      if (c === width) {
        pos = this.skipRest(pos);
        break;
      }
    }
    for (; c < width; c++) this.pushNull(c);
    this.rows++;
    return pos + 1;
  }

  /** Reads column `c`'s field at `start`; returns its end (a delimiter, a line break or the end). */
  private field(c: number, start: number): number {
    const builder = this.builders[c]!;
    switch (this.kinds[c]) {
      case INTEGERS:
        return this.number(builder as NumberBuilder, start, false, 'i64');
      case NUMBERS:
        return this.number(builder as NumberBuilder, start, true, 'f64');
      case BOOLEANS:
        return this.boolean(builder as BoolBuilder, start);
      default: // TEXT
        return this.text(builder as TextBuilder | WordsBuilder, start);
    }
  }

  /**
   * A boolean column's field. In a dialect of a one-byte delimiter and line break (most files),
   * "true" or "false" in any case (as booleanAt reads them) is told from its bytes, each compared in
   * the code: with a loop over the word's bytes, a file of boolean columns read a third slower, and
   * with the search for the field's end and booleanAt of anyBoolean twice as slow (by hand). Any
   * other field as anyBoolean reads it.
   */
  private boolean(builder: BoolBuilder, start: number): number {
    const { bytes, end } = this;
    if (!this.singleBytes) return this.anyBoolean(builder, start);
    const first = bytes[start]! | 0x20;
    if (
      first === 0x74 &&
      start + 4 <= end &&
      (bytes[start + 1]! | 0x20) === 0x72 &&
      (bytes[start + 2]! | 0x20) === 0x75 &&
      (bytes[start + 3]! | 0x20) === 0x65 &&
      this.endsAt(start + 4)
    ) {
      builder.push(true);
      return start + 4;
    }
    if (
      first === 0x66 &&
      start + 5 <= end &&
      (bytes[start + 1]! | 0x20) === 0x61 &&
      (bytes[start + 2]! | 0x20) === 0x6c &&
      (bytes[start + 3]! | 0x20) === 0x73 &&
      (bytes[start + 4]! | 0x20) === 0x65 &&
      this.endsAt(start + 5)
    ) {
      builder.push(false);
      return start + 5;
    }
    return this.anyBoolean(builder, start);
  }

  /** A boolean column's field, in any dialect: a boolean as booleanAt reads it, else as cellAt does. */
  private anyBoolean(builder: BoolBuilder, start: number): number {
    const { bytes } = this;
    const end = this.fieldEnd(start);
    builder.push(
      booleanAt(bytes, start, end)
        ? (bytes[start]! | 0x20) === 0x74
        : (cellAt(bytes, start, end, 'bool') as boolean | null),
    );
    return end;
  }

  /** Whether a field can end at `at` (at most the end): a one-byte delimiter or line break, or the end. */
  private endsAt(at: number): boolean {
    return at === this.end || this.bytes[at] === this.d0 || this.bytes[at] === this.n0;
  }

  /** A text field, of text kept as bytes or as words. */
  private text(builder: TextBuilder | WordsBuilder, start: number): number {
    const { bytes } = this;
    if (this.singleBytes && bytes[start] !== QUOTE)
      return builder.pushField(bytes, start, this.end, this.d0, this.n0);
    const close = this.plainQuoted(start);
    if (close >= 0) {
      builder.pushBytes(bytes, start + 1, close);
      return close + 1;
    }
    const end = this.fieldEnd(start);
    textField(builder, bytes, start, end);
    return end;
  }

  /**
   * A number field: its digits read as integerAt and decimalAt (field-numbers.ts) read them, up to
   * the field's end; any other field as cellAt reads it.
   */
  private number(builder: NumberBuilder, start: number, decimals: boolean, dtype: Dtype): number {
    const { bytes, end } = this;
    const negative = bytes[start] === MINUS;
    const first = negative ? start + 1 : start;
    let value = 0;
    let point = -1;
    let at = first;
    for (; at < end; at++) {
      const byte = bytes[at]!;
      if (byte >= 0x30 && byte <= 0x39) value = value * 10 + (byte - 0x30);
      else if (byte === POINT && decimals && point < 0) point = at;
      else break;
    }
    const stop = at < end ? bytes[at] : -1;
    if (
      stop === -1 ||
      ((stop === this.d0 || stop === this.n0) && (this.singleBytes || this.boundaryAt(at)))
    ) {
      const digits = at - first - (point < 0 ? 0 : 1);
      if (digits > 0 && digits <= 15) {
        const scaled = point < 0 ? value : value / TENS[at - point - 1]!;
        builder.pushFinite(negative ? -scaled : scaled);
        return at;
      }
      if (at === start) {
        builder.push(null);
        return at;
      }
    }
    const fieldEnd = this.fieldEnd(start);
    builder.push(cellAt(bytes, start, fieldEnd, dtype) as number | null);
    return fieldEnd;
  }

  /**
   * Where the quoted field at `start` closes, when its value is the bytes between its quotes (not
   * empty, no quote inside) and a delimiter, a line break or the end follows; -1 otherwise, and for
   * a dialect of longer delimiters or line breaks. Fields are short: a loop costs less than a native
   * search's call.
   */
  private plainQuoted(start: number): number {
    const { bytes, end } = this;
    if (!this.singleBytes) return -1;
    let at = start + 1;
    while (at < end && bytes[at] !== QUOTE) at++;
    if (at >= end || at === start + 1) return -1;
    const next = at + 1 < end ? bytes[at + 1] : -1;
    return next === -1 || next === this.d0 || next === this.n0 ? at : -1;
  }

  private pushNull(c: number): void {
    const builder = this.builders[c]!;
    if (builder instanceof NumberBuilder || builder instanceof BoolBuilder) builder.push(null);
    else builder.pushNull();
  }

  /** The end of the field at `start`: past its quotes when it opens with one, then to a delimiter or a line break. */
  private fieldEnd(start: number): number {
    return this.stop(this.bytes[start] === QUOTE ? afterQuoted(this.bytes, start) : start);
  }

  /** The first delimiter or line break at or after `at`, or the end. */
  private stop(at: number): number {
    const { bytes, end, d0, n0 } = this;
    for (; at < end; at++) {
      const byte = bytes[at];
      if ((byte === d0 || byte === n0) && (this.singleBytes || this.boundaryAt(at))) return at;
    }
    return end;
  }

  /** From `at`, the start of a field, past the row's other fields to its end. */
  private skipRest(at: number): number {
    for (;;) {
      at = this.fieldEnd(at);
      if (at >= this.end || this.newlineAt(at)) return at;
      at += this.delimiter.length;
    }
  }

  private boundaryAt(at: number): boolean {
    return this.newlineAt(at) || (this.bytes[at] === this.d0 && continuesAs(this.bytes, at, this.delimiter));
  }

  private newlineAt(at: number): boolean {
    return (
      this.bytes[at] === this.n0 && (this.newline.length === 1 || continuesAs(this.bytes, at, this.newline))
    );
  }
}

/** A text field: its bytes copied when they are its value (unquoted, or quoted without a quote inside). */
function textField(builder: TextBuilder | WordsBuilder, bytes: Buffer, start: number, end: number): void {
  if (start === end) return builder.pushNull();
  if (bytes[start] !== QUOTE) return builder.pushBytes(bytes, start, end);
  if (end - start > 2 && bytes[end - 1] === QUOTE && bytes.indexOf(QUOTE, start + 1) === end - 1)
    return builder.pushBytes(bytes, start + 1, end - 1);
  const text = fieldText(bytes, start, end);
  if (text === '') builder.pushNull();
  else builder.pushText(text);
}

// See kept-shapes.ts.
keepShapes(
  new TextSample(Buffer.alloc(0), [true]),
  new ColumnsReader(
    Buffer.alloc(0),
    { delimiter: ',', newline: '\n' },
    ['i64', 'f64', 'bool', 'str', 'str'],
    [
      new NumberBuilder(1),
      new NumberBuilder(1),
      new BoolBuilder(1),
      new TextBuilder(1, 1),
      new WordsBuilder(1),
    ],
  ),
);
