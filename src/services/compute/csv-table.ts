// A CSV table stored as table-bytes.ts keeps it, its columns built from the file's bytes when it is
// UTF-8: what registering a data source's CSV table stores.
import { isUtf8 } from 'node:buffer';
import { fieldText, readLayout, scanBounds, type BoundsSink } from '../../engine/csv-bounds.js';
import { cellAt } from '../../engine/csv-keys.js';
import { readCsv, repeatedName, repeatedNameError, type CsvOptions } from '../../engine/csv.js';
import { booleanAt } from '../../engine/field-numbers.js';
import type { Dtype } from '../../engine/frame.js';
import {
  BoolBuilder,
  mostDistinct,
  NumberBuilder,
  SAMPLE,
  TextBuilder,
  WordsBuilder,
} from './column-builders.js';
import { encodeTable, LONE_SURROGATE, tableBytes } from './table-bytes.js';

const QUOTE = 0x22;

/**
 * The stored bytes of the table in a CSV, text or bytes, read as readCsv reads it (tableBytes of its
 * frame), or why readCsv refuses it. Bytes that are UTF-8, and text that is (no lone surrogate),
 * are read from the bytes (csvColumns); others are read as text, leniently, as before.
 */
export function csvTableData(
  csv: string | Uint8Array,
  options: CsvOptions,
): { ok: true; data: Buffer } | { ok: false; error: string } {
  const bytes =
    typeof csv === 'string' ? (LONE_SURROGATE.test(csv) ? null : Buffer.from(csv)) : isUtf8(csv) ? csv : null;
  if (bytes) return csvColumns(bytes, options);
  const parsed = readCsv(typeof csv === 'string' ? csv : Buffer.from(csv).toString('utf8'), options);
  if (!parsed.ok) return parsed;
  const { columns, height } = parsed.frame;
  return {
    ok: true,
    data: tableBytes({
      columns: columns.map(({ name, dtype }) => ({ name, dtype })),
      values: columns.map((c) => c.values),
      height,
    }),
  };
}

/**
 * tableBytes of the frame readCsv reads from the UTF-8 `bytes`, built from the bytes in one pass of
 * the bounds scanner: most numbers are read from their bytes, most text is copied, and only other
 * cells are made values.
 */
function csvColumns(
  bytes: Uint8Array,
  options: CsvOptions,
): { ok: true; data: Buffer } | { ok: false; error: string } {
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
  const sink = new ColumnsSink(
    body,
    columns.map((c) => c.dtype),
    distinct,
    Math.ceil(rowsGuess * 1.02),
  );
  scanBounds(body, dialect, sink, undefined, rowsStart);
  return { ok: true, data: encodeTable({ columns, values: sink.finish(), height: sink.rows }) };
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

/**
 * Each column built as the bounds scanner reports its fields. A short row's missing cells are null;
 * a long row's extra fields are not read. A class: see KeySink in csv-keys.ts.
 */
class ColumnsSink implements BoundsSink {
  readonly limit: number;
  private readonly builders: Builder[];
  rows = 0;
  private fields = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly dtypes: Dtype[],
    /** Per text column, whether its values are mostly distinct (kept as bytes, not as words). */
    distinct: boolean[],
    capacity: number,
  ) {
    this.limit = dtypes.length;
    const share = Math.ceil(bytes.length / Math.max(dtypes.length, 1));
    this.builders = dtypes.map((dtype, c) =>
      dtype === 'i64' || dtype === 'f64'
        ? new NumberBuilder(capacity)
        : dtype === 'bool'
          ? new BoolBuilder(capacity)
          : distinct[c]
            ? new TextBuilder(capacity, share)
            : new WordsBuilder(capacity),
    );
  }

  field(start: number, end: number, column: number): void {
    this.fields = column + 1;
    const builder = this.builders[column]!;
    const { bytes } = this;
    if (builder instanceof NumberBuilder)
      builder.push(cellAt(bytes, start, end, this.dtypes[column]!) as number | null);
    else if (builder instanceof BoolBuilder)
      builder.push(
        booleanAt(bytes, start, end)
          ? (bytes[start]! | 0x20) === 0x74
          : (cellAt(bytes, start, end, 'bool') as boolean | null),
      );
    else textField(builder, bytes, start, end);
  }

  rowEnd(): void {
    for (let c = this.fields; c < this.dtypes.length; c++) {
      const builder = this.builders[c]!;
      if (builder instanceof NumberBuilder || builder instanceof BoolBuilder) builder.push(null);
      else builder.pushNull();
    }
    this.fields = 0;
    this.rows++;
  }

  finish() {
    return this.builders.map((builder) => builder.finish());
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
