// A fast RFC 4180 row scanner with the semantics csv.ts had from papaparse (which it replaces for the
// bulk of the text; papaparse still guesses the delimiter on a preview): `"` quotes,
// `""` inside quotes, quoted delimiters and line breaks, one line-break style per file, empty lines
// skipped. An unterminated quote runs to the end of the text. Unquoted fields are plain slices of the
// text, found with the engine's native indexOf, so a quote-free file is scanned at memory speed.
import { createRequire } from 'node:module';

/**
 * papaparse, required rather than imported: importing a CommonJS package makes Node parse its source
 * for its exports, and with papaparse and xxhash that took 10-15 ms of each thread's start and kept
 * V8's compiler thread busy for 30-50 ms more, compiling that parser while the first file was read.
 */
const Papa = createRequire(import.meta.url)('papaparse') as typeof import('papaparse');

/** The quote character's code, in text and in UTF-8 alike. */
export const QUOTE = 0x22;

export interface Dialect {
  delimiter: string;
  newline: string;
}

type LineBreak = '\n' | '\r\n' | '\r';

/**
 * "No limit" on rows or fields, as a small integer: V8 compiles a scan loop for the first counts it
 * sees, and an Infinity after a number would send it back to slow code for the rest of a large file.
 */
export const UNLIMITED = 0x7fffffff;

/** papaparse guesses the line break from this many characters of the text (UTF-16 units). */
export const SNIFF_CHARS = 1 << 20;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The delimiter (among `candidates`, unless given) and line break papaparse would pick for `text`
 * (which must not start with a byte-order mark). papaparse guesses the line break from the first MiB
 * and the delimiter from the first 10 rows, each candidate's rows split by its own rules; splitting a
 * MiB of text five times took longer than reading a 10,000-row head. So the line break is guessed here
 * (guessLineBreak) and papaparse is shown only a prefix holding 10 whole rows for every candidate,
 * found by trying `firstPrefix` characters, then 4 times more, up to the MiB.
 */
export function sniffDialect(
  text: string,
  delimiter: string | undefined,
  candidates: string[],
  firstPrefix = 1 << 14,
): Dialect {
  return sniff(text, true, delimiter, candidates, firstPrefix)!;
}

/**
 * sniffDialect's answer for a text that `piece` starts (and is shorter than the text's first MiB),
 * when the piece settles it: the line break is told before the piece ends, and one of the prefixes
 * tried lies within the piece and holds 10 rows for every candidate. Else undefined: the answer needs
 * more of the text. A CSV's bytes are decoded a piece first (csv-bounds.ts), not a MiB.
 */
export function sniffPiece(
  piece: string,
  delimiter: string | undefined,
  candidates: string[],
  firstPrefix = 1 << 14,
): Dialect | undefined {
  return sniff(piece, false, delimiter, candidates, firstPrefix);
}

/** sniffDialect, over all of the text's first MiB (`whole`) or a piece of it (sniffPiece). */
function sniff(
  text: string,
  whole: boolean,
  delimiter: string | undefined,
  candidates: string[],
  firstPrefix: number,
): Dialect | undefined {
  const sample = text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text;
  const newline = lineBreak(sample, whole);
  if (!newline) return undefined;
  // A piece has no answer of its own: only one of the prefixes the whole text is tried with.
  let prefix = whole ? sample : undefined;
  for (let size = firstPrefix; size < sample.length; size *= 4) {
    const candidate = sample.slice(0, size);
    // A given delimiter is not guessed: papaparse then reads nothing of the text for the dialect.
    if (delimiter || candidates.every((d) => holdsTenRows(candidate, d, newline))) {
      prefix = candidate;
      break;
    }
  }
  if (prefix === undefined) return undefined;
  const meta = Papa.parse<string[]>(prefix, {
    delimiter: delimiter ?? '',
    delimitersToGuess: candidates,
    newline,
    skipEmptyLines: true,
    preview: 10,
  }).meta;
  return { delimiter: meta.delimiter || delimiter || ',', newline: meta.linebreak || newline };
}

/**
 * Whether the first 10 rows papaparse reads from `prefix` with `delimiter` are whole: an 11th row
 * starts in it. Those rows are then the ones it reads from the whole text, so its guess is the same.
 */
function holdsTenRows(prefix: string, delimiter: string, newline: LineBreak): boolean {
  return Papa.parse<string[]>(prefix, { delimiter, newline, preview: 11 }).data.length > 10;
}

/**
 * The line break papaparse guesses for `sample` (its first MiB), without its regular expression and
 * splits: it removes each quoted span (a quote, through the next quote), then picks "\n" when the
 * text has no "\r" or its first "\n" comes first, else "\r\n" when at least half of the pieces
 * between "\r"s start with "\n", else "\r". Only the spans and the "\r"s are visited, with native
 * searches: a file of "\n" line breaks is decided at its first line break outside quotes.
 */
export function guessLineBreak(sample: string): LineBreak {
  return lineBreak(sample, true)!;
}

/**
 * guessLineBreak, for a sample that is all of the first MiB (`whole`), or a piece of it: then the
 * line break is told only where the piece settles it, a "\n" kept before any "\r" and before any
 * quote that the rest of the text could close, and is undefined otherwise.
 */
function lineBreak(sample: string, whole: boolean): LineBreak | undefined {
  const length = sample.length;
  let crs = 0;
  let crlfs = 0;
  /** Whether the text kept so far ends with "\r" (a removed span can sit between it and a "\n"). */
  let endsWithCr = false;
  // The next "\r" and "\n" at or after `pos` (the length when there is none), searched for again
  // only once passed, so that the text is searched for each once whatever its quotes.
  let cr = -1;
  let lf = -1;
  const next = (search: string, from: number) => {
    const at = sample.indexOf(search, from);
    return at < 0 ? length : at;
  };
  let pos = 0;
  for (;;) {
    const open = sample.indexOf('"', pos);
    const close = open < 0 ? -1 : sample.indexOf('"', open + 1);
    // An unmatched quote stays, as a plain character; in a piece, the text after it may match it.
    const end = close < 0 && (whole || open < 0) ? length : open;
    if (end > pos) {
      if (cr < pos) cr = next('\r', pos);
      if (crs === 0) {
        if (lf < pos) lf = next('\n', pos);
        // The first "\n" kept comes before any "\r" kept.
        if (lf < end && lf < cr) return '\n';
      }
      if (endsWithCr && sample.charCodeAt(pos) === LF) crlfs++;
      for (; cr < end; cr = next('\r', cr + 1)) {
        crs++;
        // (At the segment's end the next character is a quote, not "\n".)
        if (sample.charCodeAt(cr + 1) === LF) crlfs++;
      }
      endsWithCr = sample.charCodeAt(end - 1) === CR;
    }
    if (close < 0) break;
    pos = close + 1;
  }
  if (!whole) return undefined;
  if (crs === 0) return '\n';
  // papaparse's pieces: one more than the "\r"s; the first never starts with "\n" here.
  return crlfs >= (crs + 1) / 2 ? '\r\n' : '\r';
}

/** What the scanner reports: each field with its column index, then the end of its row. */
export interface RowSink {
  field(value: string, column: number): void;
  /** The row just reported had `fields` fields and spans `start` to `end`, its line break excluded. */
  rowEnd(fields: number, start: number, end: number): void;
}

/**
 * Reports each non-empty row of `text` to `sink`, field by field (no array per row is built), up to
 * `maxRows` rows. A row that is a single empty field is skipped, as papaparse's `skipEmptyLines`
 * does. The text must not start with a byte-order mark.
 */
export function scanRows(
  text: string,
  { delimiter, newline }: Dialect,
  sink: RowSink,
  maxRows = UNLIMITED,
): void {
  let reported = 0;
  const end = text.length;
  // The next delimiter and line break at or after `pos`, each searched for again only once passed,
  // so that neither a wide row nor a file without delimiters is scanned more than once.
  let nextDelimiter = -1;
  let nextNewline = -1;
  let pos = 0;
  while (pos < end && reported < maxRows) {
    const rowStart = pos;
    // The first field is held back until the row is known not to be a lone empty field.
    let first = '';
    let count = 0;
    for (;;) {
      let field: string;
      if (text.charCodeAt(pos) === QUOTE) {
        const { value, next } = quoted(text, pos);
        pos = next;
        nextDelimiter = after(text, delimiter, nextDelimiter, pos);
        nextNewline = after(text, newline, nextNewline, pos);
        // Text between the closing quote and the next delimiter or line break is kept (malformed
        // input, which papaparse reads differently: it takes the quote as literal and reads on).
        const stop = Math.min(nextDelimiter, nextNewline);
        field = stop > pos ? value + text.slice(pos, stop) : value;
        pos = stop;
      } else {
        const start = pos;
        nextDelimiter = after(text, delimiter, nextDelimiter, pos);
        nextNewline = after(text, newline, nextNewline, pos);
        pos = Math.min(nextDelimiter, nextNewline);
        field = text.slice(start, pos);
      }
      if (count === 0) first = field;
      else {
        if (count === 1) sink.field(first, 0);
        sink.field(field, count);
      }
      count++;
      if (pos < nextNewline) {
        pos += delimiter.length;
        continue;
      }
      break;
    }
    const rowEnd = pos;
    pos += newline.length;
    if (count === 1) {
      if (first === '') continue;
      sink.field(first, 0);
    }
    sink.rowEnd(count, rowStart, rowEnd);
    reported++;
  }
}

/**
 * The first `search` in `text` at or after `from` (its end when there is none), `cached` when that
 * is at or after `from` already. A function of the module, not a closure made per scan: V8's code for
 * a call is made for the function it has seen there, and a new closure would throw that code away.
 */
function after(text: string, search: string, cached: number, from: number): number {
  if (cached >= from) return cached;
  // The length is read first: see BoundsScan.search in csv-bounds.ts.
  const end = text.length;
  const at = text.indexOf(search, from);
  return at < 0 ? end : at;
}

/** A quoted field starting at `start` (its opening quote): its value and where the text after it starts. */
export function quoted(text: string, start: number): { value: string; next: number } {
  let value = '';
  let from = start + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return { value: value + text.slice(from), next: text.length };
    value += text.slice(from, close);
    if (text.charCodeAt(close + 1) !== QUOTE) return { value, next: close + 1 };
    value += '"';
    from = close + 2;
  }
}
