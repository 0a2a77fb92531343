// A fast RFC 4180 row scanner with the semantics csv.ts had from papaparse (which it replaces for the
// bulk of the text; papaparse still guesses the delimiter and line break on a preview): `"` quotes,
// `""` inside quotes, quoted delimiters and line breaks, one line-break style per file, empty lines
// skipped. An unterminated quote runs to the end of the text. Unquoted fields are plain slices of the
// text, found with the engine's native indexOf, so a quote-free file is scanned at memory speed.
import Papa from 'papaparse';

/** The quote character's code, in text and in UTF-8 alike. */
export const QUOTE = 0x22;

export interface Dialect {
  delimiter: string;
  newline: string;
}

/** The delimiter (among `candidates`, unless given) and line break papaparse would pick for `text`. */
export function sniffDialect(text: string, delimiter: string | undefined, candidates: string[]): Dialect {
  // papaparse guesses both from the start of the input: the line break from the first MiB, the
  // delimiter from the first 10 rows.
  const meta = Papa.parse<string[]>(text.slice(0, 1 << 20), {
    delimiter: delimiter ?? '',
    delimitersToGuess: candidates,
    skipEmptyLines: true,
    preview: 10,
  }).meta;
  return { delimiter: meta.delimiter || delimiter || ',', newline: meta.linebreak || '\n' };
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
  maxRows = Infinity,
): void {
  let reported = 0;
  const end = text.length;
  // The next delimiter and line break at or after `pos`, each searched for again only once passed,
  // so that neither a wide row nor a file without delimiters is scanned more than once.
  let nextDelimiter = -1;
  let nextNewline = -1;
  const after = (search: string, cached: number, from: number) =>
    cached >= from ? cached : indexOrEnd(text, search, from);
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
        nextDelimiter = after(delimiter, nextDelimiter, pos);
        nextNewline = after(newline, nextNewline, pos);
        // Text between the closing quote and the next delimiter or line break is kept (malformed
        // input, which papaparse reads differently: it takes the quote as literal and reads on).
        const stop = Math.min(nextDelimiter, nextNewline);
        field = stop > pos ? value + text.slice(pos, stop) : value;
        pos = stop;
      } else {
        const start = pos;
        nextDelimiter = after(delimiter, nextDelimiter, pos);
        nextNewline = after(newline, nextNewline, pos);
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

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
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
