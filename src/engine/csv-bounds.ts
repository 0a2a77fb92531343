// The row scanner of csv-scan.ts over the undecoded bytes, for the readers that look at few cells of
// many rows (the keyed compare's pass over row bounds and keys, a row count): it reports where rows
// and fields start and end, not their text, so a file is never decoded as a whole. Decoding a field
// costs several times what slicing a string does, so readers that want every cell decode the text
// once and use scanRows instead. Both scanners split alike; a property test holds them to it.
import { QUOTE, quoted, SNIFF_CHARS, UNLIMITED, type Dialect } from './csv-scan.js';
import { csvLayout, INFER_ROWS, sniffCsv, type CsvLayout, type CsvOptions } from './csv.js';
import { utf8Body } from './utf8.js';

/** A CSV's layout (csvLayout) and its bytes without a byte-order mark. */
export interface BytesLayout extends CsvLayout {
  body: Buffer;
  /** About how many rows the file has (the header included), from the head's mean row length. */
  rowsGuess: number;
}

/**
 * What csvLayout tells of a CSV, from its bytes, decoding only the head that dtype inference reads;
 * or why the file cannot be read (not UTF-8, or what readCsv would refuse).
 */
export function readLayout(
  bytes: Uint8Array,
  options: CsvOptions = {},
): { ok: true; layout: BytesLayout } | { ok: false; error: string } {
  const body = utf8Body(bytes);
  if (!body) return { ok: false, error: 'not UTF-8' };
  const { text, whole } = sniffSample(body);
  const dialect = sniffCsv(text, options);
  return layoutOfSample(body, text, whole, dialect, options) ?? layoutOfHead(body, dialect, options);
}

/**
 * The text the dialect is sniffed on (papaparse's first MiB of characters: that many bytes or up to 3
 * times more), and whether it is all of `body`.
 */
function sniffSample(body: Buffer): { text: string; whole: boolean } {
  const text = body.toString('utf8', 0, Math.min(body.length, SNIFF_CHARS));
  if (body.length <= SNIFF_CHARS) return { text, whole: true };
  if (text.length === SNIFF_CHARS) return { text, whole: false };
  // Text not in ASCII: a MiB of characters is up to 3 MiB of bytes.
  const more = body.toString('utf8', 0, Math.min(body.length, 3 * SNIFF_CHARS));
  return more.length > SNIFF_CHARS
    ? { text: more.slice(0, SNIFF_CHARS), whole: false }
    : { text: more, whole: body.length <= 3 * SNIFF_CHARS };
}

/**
 * The layout read from the sniffed text, when it holds the header and the 10,000 rows after it
 * whole (most files: rows of up to about 100 bytes); null when it does not.
 */
function layoutOfSample(
  body: Buffer,
  text: string,
  whole: boolean,
  dialect: Dialect,
  options: CsvOptions,
): { ok: true; layout: BytesLayout } | { ok: false; error: string } | null {
  // Fewer line breaks than rows wanted: the head is longer, and reading the text would be wasted.
  if (!whole && !holdsLineBreaks(text, dialect.newline, INFER_ROWS + 1)) return null;
  const read = csvLayout(text, options, dialect);
  if (!read.ok) return whole ? read : null;
  if (!whole && (read.rows < INFER_ROWS || read.end > text.length)) return null;
  const headEnd = Math.min(Buffer.byteLength(text.slice(0, read.end)), body.length);
  const rowsGuess = Math.ceil(((read.rows + 1) * body.length) / Math.max(headEnd, 1));
  return { ok: true, layout: { ...read.layout, body, rowsGuess } };
}

/** Whether `text` has at least `count` line breaks. */
function holdsLineBreaks(text: string, newline: string, count: number): boolean {
  for (let at = -1, found = 0; found < count; found++) {
    at = text.indexOf(newline, at + 1);
    if (at < 0) return false;
  }
  return true;
}

/** The layout read from the head, found by the bounds scanner and then decoded: for long rows. */
function layoutOfHead(
  body: Buffer,
  dialect: Dialect,
  options: CsvOptions,
): { ok: true; layout: BytesLayout } | { ok: false; error: string } {
  let headRows = 0;
  const headEnd = scanBounds(
    body,
    dialect,
    { limit: 1, field() {}, rowEnd: () => void headRows++ },
    INFER_ROWS + 1,
  );
  let head = body.toString('utf8', 0, headEnd);
  // A head of blank rows says "empty" only if the whole text is blank (a rare case worth a decode).
  if (headEnd < body.length && head.trim() === '') head = body.toString('utf8');
  const read = csvLayout(head, options, dialect);
  const rowsGuess = Math.ceil((headRows * body.length) / Math.max(headEnd, 1));
  return read.ok ? { ok: true, layout: { ...read.layout, body, rowsGuess } } : read;
}

/** What the bounds scanner reports: each field's bytes with its column index, then its row's. */
export interface BoundsSink {
  /**
   * How many leading fields of each row are wanted (all when absent). The rest of a row is skipped
   * without reporting its fields, looking only at the quotes that open one.
   */
  limit?: number;
  /** A field's raw bytes: `start` to `end`, quotes and all (`fieldText` gives its value). */
  field(start: number, end: number, column: number): void;
  /** The row just reported spans `start` to `end`, its line break excluded. */
  rowEnd(start: number, end: number): void;
}

/**
 * Reports each non-empty row of `bytes` to `sink`, up to `maxRows` rows, with scanRows' rules.
 * Returns where the scan stopped: the start of the next row, or the end of the bytes.
 */
export function scanBounds(bytes: Buffer, dialect: Dialect, sink: BoundsSink, maxRows = UNLIMITED): number {
  const scan = new BoundsScan(bytes, dialect, sink);
  // The length is read once, before the loop: see BoundsScan.search.
  const end = bytes.length;
  let pos = 0;
  while (pos < end && scan.reported < maxRows) pos = scan.row(pos);
  return Math.min(pos, end);
}

/**
 * A reader of single rows, each found by where it starts (a start scanBounds reported): reports the
 * row's fields and end to `sink`, as scanBounds would, and nothing of the rows after it.
 */
export function rowReader(bytes: Buffer, dialect: Dialect, sink: BoundsSink): (start: number) => void {
  const scan = new BoundsScan(bytes, dialect, sink);
  return (start) => void scan.row(start);
}

/**
 * One scan's state, read a row per call. A byte loop: fields and rows are short, and a native search
 * per field costs more in its call than a loop spends on the bytes (quoted fields, which can be long,
 * are searched natively). The work is in methods called once a row, not in one loop over the file:
 * V8 optimizes a hot method early and again after a bail-out, which a single long call would wait for.
 */
class BoundsScan {
  reported = 0;
  /** The next line break and quote found by skipRest (searched for again once passed). */
  private nextNewline = -1;
  private nextQuote = -1;
  private readonly end: number;
  private readonly delimiter: Buffer;
  private readonly newline: Buffer;
  private readonly d0: number;
  private readonly n0: number;
  /** The line break as indexOf finds it fastest: a number when it is one byte. */
  private readonly newlineNeedle: number | Buffer;
  private readonly limit: number;

  constructor(
    private readonly bytes: Buffer,
    dialect: Dialect,
    private readonly sink: BoundsSink,
  ) {
    this.end = bytes.length;
    this.delimiter = Buffer.from(dialect.delimiter);
    this.newline = Buffer.from(dialect.newline);
    this.d0 = this.delimiter[0]!;
    this.n0 = this.newline[0]!;
    this.newlineNeedle = this.newline.length === 1 ? this.n0 : this.newline;
    this.limit = sink.limit ?? UNLIMITED;
  }

  /** Reads the row at `pos` (reporting it unless it is empty) and returns where the next one starts. */
  row(pos: number): number {
    const { bytes, sink, end, limit } = this;
    const rowStart = pos;
    let count = 0;
    for (;;) {
      const start = pos;
      if (bytes[pos] === QUOTE) pos = afterQuoted(bytes, pos);
      pos = this.stop(pos);
      const last = pos >= end || this.isNewline(pos);
      // A lone empty field is not a row.
      if (count === 0 && last && emptyField(bytes, start, pos)) break;
      sink.field(start, pos, count++);
      if (last) break;
      pos += this.delimiter.length;
      if (count >= limit) {
        pos = this.skipRest(pos);
        break;
      }
    }
    if (count > 0) {
      sink.rowEnd(rowStart, pos);
      this.reported++;
    }
    return pos + this.newline.length;
  }

  /** The first delimiter or line break at or after `at`, or the end. */
  private stop(at: number): number {
    const { bytes, end, n0, d0 } = this;
    for (; at < end; at++) {
      const byte = bytes[at];
      if ((byte === n0 || byte === d0) && (this.isNewline(at) || this.isDelimiter(at))) return at;
    }
    return end;
  }

  /**
   * From `at`, the start of a field, to the row's end, passing over quoted fields (whose delimiters
   * and line breaks do not count); a quote inside an unquoted field is a plain byte. The rest of a
   * row can be long, so the line break and the quotes are searched for natively, and the next quote
   * is remembered: a file without quotes is searched for one only once.
   */
  private skipRest(at: number): number {
    const { bytes, end } = this;
    let fieldStart = at;
    for (;;) {
      if (this.nextNewline < at) this.nextNewline = this.search(this.newlineNeedle, at);
      if (this.nextQuote < at) this.nextQuote = this.search(QUOTE, at);
      if (this.nextQuote >= this.nextNewline) return this.nextNewline;
      const quote = this.nextQuote;
      at = quote + 1;
      // A quote opens a field only at the field's start; elsewhere it is a plain byte.
      if (quote !== fieldStart && !this.endsWithDelimiter(quote)) continue;
      at = this.stop(afterQuoted(bytes, quote));
      if (at >= end || this.isNewline(at)) return at;
      fieldStart = at += this.delimiter.length;
    }
  }

  private search(needle: number | Buffer, from: number): number {
    // The end is read before the search: read only when nothing is found (at the end of the file),
    // it would be an access V8 had not seen when it compiled this, and its code would be thrown away.
    const { bytes, end } = this;
    const at = bytes.indexOf(needle, from);
    return at < 0 ? end : at;
  }

  /** Whether a delimiter ends just before `at`. */
  private endsWithDelimiter(at: number): boolean {
    const start = at - this.delimiter.length;
    return (
      start >= 0 &&
      this.bytes[start] === this.d0 &&
      (this.delimiter.length === 1 || this.rest(this.delimiter, start))
    );
  }

  private isNewline(at: number): boolean {
    return this.bytes[at] === this.n0 && (this.newline.length === 1 || this.rest(this.newline, at));
  }

  private isDelimiter(at: number): boolean {
    return this.bytes[at] === this.d0 && (this.delimiter.length === 1 || this.rest(this.delimiter, at));
  }

  /** Whether the bytes at `at` continue as `needle` does after its first byte. */
  private rest(needle: Buffer, at: number): boolean {
    for (let k = 1; k < needle.length; k++) if (this.bytes[at + k] !== needle[k]) return false;
    return true;
  }
}

/** Where a quoted field starting at `start` (its opening quote) continues after its closing quote. */
function afterQuoted(bytes: Buffer, start: number): number {
  let from = start + 1;
  for (;;) {
    const close = bytes.indexOf(QUOTE, from);
    if (close < 0) return bytes.length;
    if (bytes[close + 1] !== QUOTE) return close + 1;
    from = close + 2;
  }
}

/** Whether the field's value is empty: no bytes, or a quoted nothing (`""`, or a lone `"` at the end). */
function emptyField(bytes: Buffer, start: number, end: number): boolean {
  return start === end || (bytes[start] === QUOTE && fieldText(bytes, start, end) === '');
}

/** A field's value from its raw bytes, as scanRows would give it. */
export function fieldText(bytes: Buffer, start: number, end: number): string {
  const raw = bytes.toString('utf8', start, end);
  if (bytes[start] !== QUOTE) return raw;
  // Text after the closing quote is kept, as scanRows keeps it.
  const { value, next } = quoted(raw, 0);
  return value + raw.slice(next);
}
