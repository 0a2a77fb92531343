// The row scanner of csv-scan.ts over the undecoded bytes, for the readers that look at few cells of
// many rows (the keyed compare's pass over row bounds and keys, a row count): it reports where rows
// and fields start and end, not their text, so a file is never decoded as a whole. Decoding a field
// costs several times what slicing a string does, so readers that want every cell decode the text
// once and use scanRows instead. Both scanners split alike; a property test holds them to it. The
// reader that builds a stored table's columns (csv-table.ts in services/compute) splits alike too.
import { QUOTE, quoted, SNIFF_CHARS, UNLIMITED, type Dialect } from './csv-scan.js';
import {
  DtypeGuess,
  INFER_ROWS,
  sniffCsv,
  sniffCsvPiece,
  uniqueNames,
  type CsvLayout,
  type CsvOptions,
} from './csv.js';
import { booleanAt, decimalAt, integerAt, MINUS, POINT } from './field-numbers.js';
import { utf8Body } from './utf8.js';
import { keepShapes } from './kept-shapes.js';

/** A CSV's layout and its bytes without a byte-order mark. */
export interface BytesLayout extends CsvLayout {
  body: Buffer;
  /** About how many rows the file has (the header included), from the head's mean row length. */
  rowsGuess: number;
  /** The header's names as written (`columns` has them made unique). */
  header: string[];
  /** Where the row after the header starts in `body`. */
  rowsStart: number;
}

/**
 * What readCsv would tell of a CSV's dialect, column names and dtypes, from its bytes: the head that
 * dtype inference reads is scanned here, and only its header and the cells that its bytes do not
 * type at a glance are decoded. Or why the file cannot be read (not UTF-8, or what readCsv refuses).
 */
export function readLayout(
  bytes: Uint8Array,
  options: CsvOptions = {},
): { ok: true; layout: BytesLayout } | { ok: false; error: string } {
  const body = utf8Body(bytes);
  if (!body) return { ok: false, error: 'not UTF-8' };
  const dialect = sniffCsvPiece(pieceToSniff(body), options) ?? sniffCsv(sniffSample(body), options);
  if (blank(body)) return { ok: false, error: 'empty CSV' };
  const header = new HeaderRow(body);
  const afterHeader = scanBounds(body, dialect, header, 1);
  if (!header.names) return { ok: false, error: 'empty CSV' };
  const head = new HeadScan(body, header.names.length);
  const plain = oneByteDialect(dialect);
  const headEnd = plain
    ? head.scanPlain(plain[0], plain[1], afterHeader)
    : scanBounds(body, dialect, head, INFER_ROWS, afterHeader);
  const columns = uniqueNames(header.names).map((name, c) => ({ name, dtype: head.guesses[c]!.dtype }));
  const rowsGuess = Math.ceil(((head.rows + 1) * body.length) / Math.max(headEnd, 1));
  return {
    ok: true,
    layout: { dialect, columns, body, rowsGuess, header: header.names, rowsStart: afterHeader },
  };
}

/** The delimiter's and the line break's byte, when each is one byte (as in most files). */
export function oneByteDialect(dialect: Dialect): [number, number] | undefined {
  const [delimiter, newline] = [Buffer.from(dialect.delimiter), Buffer.from(dialect.newline)];
  return delimiter.length === 1 && newline.length === 1 ? [delimiter[0]!, newline[0]!] : undefined;
}

/**
 * The start of the text the dialect is sniffed on, decoded first: its first 64 KiB (or fewer bytes,
 * not to cut a character). The dialect of most files is settled by it (sniffPiece in csv-scan.ts).
 * Decoding a MiB for them took a fresh process's layout of the bench's 100k-row files from 4.9 to
 * 6.1 ms (5.4 to 6.8 quoted), and a fresh worker's compare of two from 23.1 to 25.0 MB over its idle
 * memory (medians of 10-25 runs, by hand).
 */
function pieceToSniff(body: Buffer): string {
  let cut = Math.min(body.length, 1 << 16);
  while (cut < body.length && (body[cut]! & 0xc0) === 0x80) cut--;
  return body.toString('utf8', 0, cut);
}

/**
 * The text the dialect is sniffed on: papaparse's first MiB of characters (that many bytes, or up to
 * 3 times more).
 */
function sniffSample(body: Buffer): string {
  const text = body.toString('utf8', 0, Math.min(body.length, SNIFF_CHARS));
  if (body.length <= SNIFF_CHARS || text.length === SNIFF_CHARS) return text;
  // Text not in ASCII: a MiB of characters is up to 3 MiB of bytes.
  return body.toString('utf8', 0, Math.min(body.length, 3 * SNIFF_CHARS)).slice(0, SNIFF_CHARS);
}

/**
 * Whether the text is all white space as trim() sees it, which readCsv calls an empty CSV. Most
 * files are told by their first byte; a character outside ASCII is decoded alone (trim() also takes
 * Unicode's spaces, such as U+00A0 and U+3000).
 */
function blank(body: Buffer): boolean {
  for (let at = 0; at < body.length;) {
    const byte = body[at]!;
    if (byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)) at++;
    else if (byte < 0x80) return false;
    else {
      const char = String.fromCodePoint(body.toString('utf8', at, at + 4).codePointAt(0)!);
      if (char.trim() !== '') return false;
      at += Buffer.byteLength(char);
    }
  }
  return true;
}

/** The header's names, as the bounds scanner reports its first row. */
class HeaderRow implements BoundsSink {
  names: string[] | undefined;
  private readonly fields: string[] = [];

  constructor(private readonly bytes: Buffer) {}

  field(start: number, end: number): void {
    this.fields.push(fieldText(this.bytes, start, end));
  }

  rowEnd(): void {
    this.names = this.fields;
  }
}

/**
 * Each column's dtype guess over the rows after the header, as the bounds scanner reports their
 * fields (a class: see KeySink in csv-keys.ts; the header is read apart, as code that runs only
 * for it would run before V8 keeps type feedback, and send the compiled code back when the next
 * file's header ran it). A column's cells stop being looked at once it is text; an integer, a
 * decimal or a boolean is told from its bytes, and any other cell is decoded and guessed as readCsv
 * guesses it. In a dialect of a one-byte delimiter and line break, scanPlain reads the head in a loop
 * of its own; in others scanBounds reports its fields.
 */
class HeadScan implements BoundsSink {
  readonly guesses: DtypeGuess[];
  rows = 0;

  constructor(
    private readonly bytes: Buffer,
    width: number,
  ) {
    this.guesses = Array.from({ length: width }, () => new DtypeGuess());
  }

  field(start: number, end: number, column: number): void {
    if (start === end || column >= this.guesses.length) return;
    const guess = this.guesses[column]!;
    if (!guess.open) return;
    const { bytes } = this;
    const kind = kindAt(bytes, start, end);
    if (kind === SHORT_INTEGER) guess.addShortInteger();
    else if (kind === DECIMAL) guess.addDecimal();
    else if (kind === BOOLEAN) guess.addBoolean();
    else guess.add(fieldText(bytes, start, end));
  }

  rowEnd(): void {
    this.rows++;
  }

  /** The head's text from `chunkStart`, decoded a character a byte (latin1). */
  private chunk = '';
  private chunkStart = 0;
  /** The regular expressions of skipSteadyRows, by their source. */
  private readonly patterns = new Map<string, RegExp>();
  /** The row before which skipSteadyRows does not try again, and how many rows it last waited. */
  private retryAt = 0;
  private wait = 0;

  /**
   * Passes over the rows from `pos` that would change no guess, up to the INFER_ROWS-th, and returns
   * where the first other row starts (or `pos`). A regular expression matches such a row: each
   * column's cell one that its guess has seen the kind of (DtypeGuess.steadyCell), the row neither
   * short nor long, and no doubled quote in it; the rows it does not match are read by scanPlain.
   * Most heads are a few rows that type their columns, then thousands that change nothing: V8 runs
   * a regular expression as compiled code at once, where a fresh process ran scanPlain's loop
   * uncompiled for most of a 10,000-row head (about 5 ms for one, against 20, by hand). Its text is
   * decoded 256 KiB at a time: a row cut at its end does not match (a row's pattern ends with its
   * line break), and is read by scanPlain, as is a row whose quoted cell runs past it. After a try
   * that passes few rows, scanPlain reads some before the next (STEADY_WAIT). Not for one column,
   * whose pattern would match a blank line, which is no row, nor over STEADY_COLUMNS.
   */
  private skipSteadyRows(pos: number, d0: number, n0: number): number {
    const { guesses, bytes } = this;
    if (guesses.length < 2 || guesses.length > STEADY_COLUMNS || this.rows < this.retryAt) return pos;
    if (pos < this.chunkStart || pos >= this.chunkStart + this.chunk.length) {
      this.chunk = bytes.toString('latin1', pos, pos + STEADY_CHUNK);
      this.chunkStart = pos;
    }
    const [d, n] = [escapedByte(d0), escapedByte(n0)];
    const source = guesses.map((g) => g.steadyCell(d, n)).join(d) + n;
    let steady = this.patterns.get(source);
    if (!steady) this.patterns.set(source, (steady = new RegExp(source, 'y')));
    let at = pos - this.chunkStart;
    steady.lastIndex = at;
    const before = this.rows;
    while (this.rows < INFER_ROWS && steady.test(this.chunk)) {
      at = steady.lastIndex;
      this.rows++;
    }
    // Where the guesses keep changing, each try builds a new pattern: wait, twice as long each time.
    this.wait = this.rows - before < STEADY_WAIT ? Math.max(STEADY_WAIT, 2 * this.wait) : 0;
    this.retryAt = this.rows + this.wait;
    return this.chunkStart + at;
  }

  /**
   * The head's rows from `from`, up to INFER_ROWS of them, as scanBounds reports them to field() and
   * rowEnd(), in a dialect of a one-byte delimiter `d0` and line break `n0` (most files), in one loop: an
   * unquoted field's kind is told as its end is looked for. Returns where the scan stopped, as
   * scanBounds does. Through scanBounds, a call or two per field and its bytes read twice, the
   * second file a fresh process read took 14-20 ms (4.5 ms so), a compiled one 4.1 ms (3.1), and a
   * fresh worker's first compare of two quote-free 100k-row files gave its counts in 88 ms (76), by
   * hand. The rows are split as scanBounds splits them; a property test holds both to readCsv.
   * The rows that would change no guess are passed over first (skipSteadyRows).
   */
  scanPlain(d0: number, n0: number, from: number): number {
    const { bytes, guesses } = this;
    const end = bytes.length;
    let pos = from;
    while (pos < end && this.rows < INFER_ROWS) {
      pos = this.skipSteadyRows(pos, d0, n0);
      if (pos >= end || this.rows >= INFER_ROWS) break;
      let c = 0;
      for (;;) {
        const start = pos;
        const guess = c < guesses.length ? guesses[c]! : undefined;
        let kind = OTHER;
        if (bytes[pos] === QUOTE) pos = stopAt(bytes, afterQuoted(bytes, pos), d0, n0);
        else if (!guess?.open) pos = stopAt(bytes, pos, d0, n0);
        else {
          // Digits, with a "-" first and at most one point: a short integer or a decimal.
          const first = bytes[pos] === MINUS ? pos + 1 : pos;
          let point = -1;
          for (pos = first; pos < end; pos++) {
            const byte = bytes[pos]!;
            if (byte >= 0x30 && byte <= 0x39) continue;
            if (byte === POINT && point < 0) point = pos;
            else break;
          }
          const stop = pos < end ? bytes[pos] : n0;
          if (stop === d0 || stop === n0) {
            const digits = pos - first - (point < 0 ? 0 : 1);
            if (digits > 0 && digits <= 15) kind = point < 0 ? SHORT_INTEGER : DECIMAL;
          } else pos = stopAt(bytes, pos, d0, n0);
          if (kind === OTHER && booleanAt(bytes, start, pos)) kind = BOOLEAN;
        }
        const last = pos >= end || bytes[pos] === n0;
        // A lone empty field is not a row.
        if (c === 0 && last && emptyField(bytes, start, pos)) break;
        if (guess?.open && start !== pos) {
          if (kind === SHORT_INTEGER) guess.addShortInteger();
          else if (kind === DECIMAL) guess.addDecimal();
          else if (kind === BOOLEAN) guess.addBoolean();
          else guess.add(fieldText(bytes, start, pos));
        }
        c++;
        if (last) {
          this.rows++;
          break;
        }
        pos++;
      }
      pos++;
    }
    return Math.min(pos, end);
  }
}

/** A byte as a regular expression's escape (`\xHH`), which means the same in a character class. */
function escapedByte(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * The widest head skipSteadyRows reads: a wider row's regular expression took longer to build and
 * run than scanPlain's loop (a 10,000-row head of 128 columns in 68-70 ms against 55-68, of 512 in
 * 1.2 s against 0.1, by hand), and one of 3,000 columns is more than V8 takes.
 */
const STEADY_COLUMNS = 64;

/**
 * The fewest rows a try of skipSteadyRows should pass over: after a try that passed fewer, scanPlain's
 * loop reads this many rows before the next try, twice as many after the next such try, and so on.
 * A 64-column head whose columns change their guesses at 192 rows spread over its first 3,300
 * built a pattern for each without this, and took 219-246 ms in a fresh process, against 36-44 ms
 * through the loop alone and 39-41 ms with this (by hand).
 */
const STEADY_WAIT = 32;

/**
 * How much of the head skipSteadyRows decodes at a time: a 100k-row compare's peak memory was about
 * 1.3 MB lower than with a MiB, as fast (by hand).
 */
const STEADY_CHUNK = 1 << 18;

/** The first one-byte delimiter `d0` or line break `n0` at or after `at`, or the end. */
function stopAt(bytes: Buffer, at: number, d0: number, n0: number): number {
  const end = bytes.length;
  for (; at < end; at++) {
    const byte = bytes[at];
    if (byte === d0 || byte === n0) return at;
  }
  return end;
}

const OTHER = 0;
const SHORT_INTEGER = 1;
const DECIMAL = 2;
const BOOLEAN = 3;

/**
 * Which of DtypeGuess's fast kinds the field `bytes[start, end)` is: an integer of up to 15 digits,
 * a decimal of up to 15 digits (each as field-numbers.ts reads them), "true" or "false" in any case;
 * OTHER for anything else, quoted fields included.
 */
function kindAt(bytes: Buffer, start: number, end: number): number {
  if (integerAt(bytes, start, end) !== undefined) return SHORT_INTEGER;
  if (decimalAt(bytes, start, end) !== undefined) return DECIMAL;
  return booleanAt(bytes, start, end) ? BOOLEAN : OTHER;
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
 * Reports each non-empty row of `bytes` from `from` (the start of a row) to `sink`, up to `maxRows`
 * rows, with scanRows' rules. Returns where the scan stopped: the start of the next row, or the end
 * of the bytes.
 */
export function scanBounds(
  bytes: Buffer,
  dialect: Dialect,
  sink: BoundsSink,
  maxRows = UNLIMITED,
  from = 0,
): number {
  const scan = new BoundsScan(bytes, dialect, sink);
  // The length is read once, before the loop: see BoundsScan.search.
  const end = bytes.length;
  let pos = from;
  while (pos < end && scan.reported < maxRows) pos = scan.row(pos);
  return Math.min(pos, end);
}

/**
 * A reader of single rows, each found by where it starts (a start scanBounds reported): reports the
 * row's fields and end to `sink`, as scanBounds would, and nothing of the rows after it, and returns
 * where the next row starts.
 */
export function rowReader(bytes: Buffer, dialect: Dialect, sink: BoundsSink): (start: number) => number {
  const scan = new BoundsScan(bytes, dialect, sink);
  return (start) => scan.row(start);
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
  /** Whether the delimiter and the line break are a byte each (as in most files). */
  private readonly singleBytes: boolean;

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
    this.singleBytes = this.delimiter.length === 1 && this.newline.length === 1;
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
    if (this.singleBytes) {
      for (; at < end; at++) {
        const byte = bytes[at];
        if (byte === n0 || byte === d0) return at;
      }
      return end;
    }
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
      (this.delimiter.length === 1 || continuesAs(this.bytes, start, this.delimiter))
    );
  }

  private isNewline(at: number): boolean {
    return (
      this.bytes[at] === this.n0 && (this.newline.length === 1 || continuesAs(this.bytes, at, this.newline))
    );
  }

  private isDelimiter(at: number): boolean {
    return (
      this.bytes[at] === this.d0 &&
      (this.delimiter.length === 1 || continuesAs(this.bytes, at, this.delimiter))
    );
  }
}

/** Whether the bytes at `at` continue as `needle` does after its first byte (a delimiter or line break of several). */
export function continuesAs(bytes: Buffer, at: number, needle: Buffer): boolean {
  for (let k = 1; k < needle.length; k++) if (bytes[at + k] !== needle[k]) return false;
  return true;
}

/** Where a quoted field starting at `start` (its opening quote) continues after its closing quote. */
export function afterQuoted(bytes: Buffer, start: number): number {
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

// See kept-shapes.ts.
keepShapes(
  new BoundsScan(Buffer.alloc(0), { delimiter: ',', newline: '\n' }, new HeadScan(Buffer.alloc(0), 1)),
  new HeaderRow(Buffer.alloc(0)),
);
