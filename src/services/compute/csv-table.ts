// A CSV table stored as table-json.ts keeps it, written from the file's bytes when it is UTF-8: what
// registering a data source's CSV table stores.
import { isUtf8 } from 'node:buffer';
import { fieldText, readLayout, scanBounds, type BoundsSink } from '../../engine/csv-bounds.js';
import { readCsv, repeatedName, repeatedNameError, type CsvOptions } from '../../engine/csv.js';
import type { Dtype } from '../../engine/frame.js';
import { JsonOut, plainAscii, quotedPlainAscii, writeField } from '../../engine/json-out.js';
import { mostDistinct, SAMPLE, tableJson } from './table-json.js';

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The stored JSON text of the table in a CSV, text or bytes, read as readCsv reads it (tableJson of
 * its frame), or why readCsv refuses it. Bytes that are UTF-8, and text that is (no lone surrogate),
 * are written from the bytes (csvJson); others are read as text, leniently, as before.
 */
export function csvTableData(
  csv: string | Uint8Array,
  options: CsvOptions,
): { ok: true; data: string | Buffer } | { ok: false; error: string } {
  const bytes =
    typeof csv === 'string' ? (LONE_SURROGATE.test(csv) ? null : Buffer.from(csv)) : isUtf8(csv) ? csv : null;
  if (bytes) return csvJson(bytes, options);
  const parsed = readCsv(typeof csv === 'string' ? csv : Buffer.from(csv).toString('utf8'), options);
  if (!parsed.ok) return parsed;
  const { columns } = parsed.frame;
  return {
    ok: true,
    data: tableJson(
      columns.map(({ name, dtype }) => ({ name, dtype })),
      columns.map((c) => c.values),
    ),
  };
}

/**
 * tableJson of the frame readCsv reads from the UTF-8 `bytes`, written from the bytes in one pass of
 * the bounds scanner: a cell whose bytes are its JSON (most numbers, lower-case booleans, plain ASCII
 * text) is copied, and any other is made a value only to be written. Columns are written apart, then
 * joined. A 1M-row table of 10 columns took 527-567 ms so, and about 1.3 s read into a frame and
 * written out with JSON.stringify (by hand).
 */
function csvJson(
  bytes: Uint8Array,
  options: CsvOptions,
): { ok: true; data: Buffer } | { ok: false; error: string } {
  const read = readLayout(bytes, options);
  if (!read.ok) return read;
  const { columns, header, body, dialect, rowsStart } = read.layout;
  const duplicate = options.refuseDuplicateNames ? repeatedName(header) : undefined;
  if (duplicate !== undefined) return { ok: false, error: repeatedNameError(duplicate) };
  const joined = columns.map(({ dtype }) => dtype === 'str');
  if (joined.some(Boolean)) {
    const sample = new TextSample(body, joined);
    for (let at = rowsStart; at < body.length && !sample.full;)
      at = scanBounds(body, dialect, sample, SAMPLE, at);
    sample.seen.forEach((seen, c) => (joined[c] &&= mostDistinct(seen.size, sample.counts[c]!)));
  }
  const sink = new ColumnsJson(
    body,
    columns.map((c) => c.dtype),
    joined,
  );
  scanBounds(body, dialect, sink, undefined, rowsStart);
  const parts: Uint8Array[] = [Buffer.from(`{"columns":${JSON.stringify(columns)},"values":[`)];
  sink.outs.forEach((out, c) => {
    if (c > 0) parts.push(COMMA);
    if (!joined[c]) parts.push(OPEN, out.written(), CLOSE);
    else parts.push(TEXT, out.written(), ENDS, sink.ends[c]!.written(), CLOSE_ENDS);
  });
  parts.push(CLOSE, CLOSE_OBJECT);
  return { ok: true, data: Buffer.concat(parts) };
}

const [COMMA, OPEN, CLOSE, TEXT, ENDS, CLOSE_ENDS, CLOSE_OBJECT] = [
  ',',
  '[',
  ']',
  '{"text":"',
  '","ends":[',
  ']}',
  '}',
].map((text) => Buffer.from(text)) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];

/** The first SAMPLE non-null values of each text column (`texts`), as mostlyDistinct counts them. */
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

/**
 * Each column's JSON as the bounds scanner reports its fields: an array's items, or for a joined
 * text column its text (JSON-escaped) and its ends. A short row's missing cells are null; a long
 * row's extra fields are not read. A class: see KeySink in csv-keys.ts.
 */
class ColumnsJson implements BoundsSink {
  readonly limit: number;
  readonly outs: JsonOut[];
  /** A joined column's ends (empty for others). */
  readonly ends: JsonOut[];
  /** Per joined column, the length of its text so far, in UTF-16 units, as JavaScript counts it. */
  private readonly lengths: number[];
  private rows = 0;
  private fields = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly dtypes: Dtype[],
    private readonly joined: boolean[],
  ) {
    this.limit = dtypes.length;
    // Room for about as many bytes as the file has for the column, so that a column is rarely copied
    // into a larger buffer as it grows.
    const share = Math.ceil((bytes.length / Math.max(dtypes.length, 1)) * 1.25);
    this.outs = dtypes.map(() => new JsonOut(Math.max(share, 1 << 10)));
    this.ends = dtypes.map(() => new JsonOut(16));
    this.lengths = dtypes.map(() => 0);
  }

  field(start: number, end: number, column: number): void {
    this.fields = column + 1;
    if (this.joined[column]) this.joinedField(start, end, column);
    else {
      const out = this.outs[column]!;
      if (this.rows > 0) out.byte(0x2c);
      if (!writeField(out, this.bytes, start, end, this.dtypes[column]!)) out.ascii('null');
    }
  }

  /** A text field of a joined column: its text added to the column's, and where it ends. */
  private joinedField(start: number, end: number, column: number): void {
    const ends = this.ends[column]!;
    if (this.rows > 0) ends.byte(0x2c);
    const { bytes } = this;
    const quoted = quotedPlainAscii(bytes, start, end);
    if (quoted || (start !== end && plainAscii(bytes, start, end))) {
      const [from, to] = quoted ? [start + 1, end - 1] : [start, end];
      this.outs[column]!.copy(bytes, from, to);
      this.lengths[column]! += to - from;
      ends.integer(this.lengths[column]!);
      return;
    }
    const text = fieldText(bytes, start, end);
    if (text === '') return ends.ascii('null');
    this.outs[column]!.text(JSON.stringify(text).slice(1, -1));
    this.lengths[column]! += text.length;
    ends.integer(this.lengths[column]!);
  }

  rowEnd(): void {
    // The missing cells of a short row: null, in a joined column's ends or in the column itself.
    for (let c = this.fields; c < this.dtypes.length; c++) {
      const out = this.joined[c] ? this.ends[c]! : this.outs[c]!;
      if (this.rows > 0) out.byte(0x2c);
      out.ascii('null');
    }
    this.fields = 0;
    this.rows++;
  }
}
