// The row scanner of csv-scan.ts over the undecoded bytes, for the readers that look at few cells of
// many rows (the keyed compare's pass over row bounds and keys, a row count): it reports where rows
// and fields start and end, not their text, so a file is never decoded as a whole. Decoding a field
// costs several times what slicing a string does, so readers that want every cell decode the text
// once and use scanRows instead. Both scanners split alike; a property test holds them to it.
import { isUtf8 } from 'node:buffer';
import { quoted, type Dialect } from './csv-scan.js';
import { csvLayout, INFER_ROWS, sniffCsv, type CsvLayout, type CsvOptions } from './csv.js';

const QUOTE = 0x22;
/** papaparse sniffs the first MiB of text (1 Mi UTF-16 units: that many bytes or up to 3 times more). */
const SNIFF_CHARS = 1 << 20;

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
  if (!isUtf8(bytes)) return { ok: false, error: 'not UTF-8' };
  const whole = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = whole[0] === 0xef && whole[1] === 0xbb && whole[2] === 0xbf ? whole.subarray(3) : whole;
  let sniffed = body.toString('utf8', 0, Math.min(body.length, SNIFF_CHARS));
  if (sniffed.length < SNIFF_CHARS && body.length > SNIFF_CHARS)
    sniffed = body.toString('utf8', 0, Math.min(body.length, 3 * SNIFF_CHARS)).slice(0, SNIFF_CHARS);
  const dialect = sniffCsv(sniffed, options);
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
export function scanBounds(bytes: Buffer, dialect: Dialect, sink: BoundsSink, maxRows = Infinity): number {
  const delimiter = Buffer.from(dialect.delimiter);
  const newline = Buffer.from(dialect.newline);
  // A one-byte needle is searched for as a number, which indexOf finds faster.
  const delimiterNeedle = delimiter.length === 1 ? delimiter[0]! : delimiter;
  const newlineNeedle = newline.length === 1 ? newline[0]! : newline;
  const end = bytes.length;
  // As in scanRows: each next delimiter, line break and quote is searched for again only once passed.
  let nextDelimiter = -1;
  let nextNewline = -1;
  let nextQuote = -1;
  const after = (needle: number | Buffer, cached: number, from: number) => {
    if (cached >= from) return cached;
    const at = bytes.indexOf(needle, from);
    return at < 0 ? end : at;
  };
  /** Where the field starting at `from` ends: after its closing quote, at the next delimiter or line break. */
  const fieldEnd = (from: number) => {
    let pos = from;
    if (bytes[pos] === QUOTE) pos = afterQuoted(bytes, pos);
    nextDelimiter = after(delimiterNeedle, nextDelimiter, pos);
    nextNewline = after(newlineNeedle, nextNewline, pos);
    return Math.min(nextDelimiter, nextNewline);
  };
  let reported = 0;
  let pos = 0;
  while (pos < end && reported < maxRows) {
    const rowStart = pos;
    const limit = sink.limit ?? Infinity;
    let count = 0;
    for (;;) {
      const start = pos;
      pos = fieldEnd(pos);
      // A lone empty field is not a row: the first field is reported only once the row is known.
      if (count === 0) {
        if (pos === nextNewline && emptyField(bytes, start, pos)) break;
        sink.field(start, pos, 0);
      } else sink.field(start, pos, count);
      count++;
      if (pos < nextNewline && count >= limit && delimiter.length === 1) {
        pos = skipRest(pos + 1);
      }
      if (pos < nextNewline) {
        pos += delimiter.length;
        continue;
      }
      break;
    }
    const rowEnd = pos;
    pos += newline.length;
    if (count === 0) continue;
    sink.rowEnd(rowStart, rowEnd);
    reported++;
  }
  return Math.min(pos, end);

  /**
   * From `fieldStart`, the start of a field, to the row's end, passing over quoted fields (whose
   * delimiters and line breaks do not count); a quote inside an unquoted field is a plain byte.
   */
  function skipRest(fieldStart: number): number {
    let at = fieldStart;
    for (;;) {
      nextQuote = after(QUOTE, nextQuote, at);
      nextNewline = after(newlineNeedle, nextNewline, at);
      if (nextQuote >= nextNewline) return nextNewline;
      const quote = nextQuote;
      if (quote !== fieldStart && bytes[quote - 1] !== delimiter[0]) {
        at = quote + 1;
        continue;
      }
      const stop = fieldEnd(quote);
      if (stop === nextNewline) return stop;
      fieldStart = at = stop + 1;
    }
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
