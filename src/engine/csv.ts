// Reading delimited text the way oxen-server's polars reader does (reference §6.5): a header row,
// dtypes inferred from the first 10,000 rows (i64, then f64, then bool, else str), an empty cell or a
// value that does not fit the inferred dtype is null, ragged rows are cut or padded, no dates.
import { scanRows, sniffDialect, sniffPiece, UNLIMITED, type Dialect, type RowSink } from './csv-scan.js';
import type { Cell, Column, Dtype, Frame } from './frame.js';
import { keepShapes } from './kept-shapes.js';

export const INFER_ROWS = 10_000;

const INTEGER = /^-?\d+$/;
const FLOAT = /^[-+]?((\d*\.\d+)([eE][-+]?\d+)?|inf|nan|(\d+)[eE][-+]?\d+|\d+\.)$/i;
const BOOLEAN = /^(true|false)$/i;
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

export interface CsvOptions {
  /** A fixed delimiter; by default it is sniffed (comma, tab, semicolon, pipe). */
  delimiter?: string;
  /** Refuse a repeated column name instead of renaming it (a database table cannot have one). */
  refuseDuplicateNames?: boolean;
}

export type CsvResult = { ok: true; frame: Frame } | { ok: false; error: string };

function fitsI64(text: string): boolean {
  if (!INTEGER.test(text)) return false;
  if (text.length < 19) return true;
  const n = BigInt(text);
  return n <= I64_MAX && n >= I64_MIN;
}

/** The dtype polars infers for a column, from its cells' texts given one by one. */
export class DtypeGuess {
  private sawValue = false;
  private int = true;
  private float = true;
  private bool = true;

  add(v: string): void {
    if (v === '' || !(this.int || this.float || this.bool)) return;
    this.sawValue = true;
    // A short integer fits i64, reads as f64 and is no boolean: the regular expressions are for the rest.
    if (shortInteger(v) !== undefined) {
      this.bool = false;
      return;
    }
    if (this.int && !fitsI64(v)) this.int = false;
    if (this.float && !this.int && !FLOAT.test(v) && !INTEGER.test(v)) this.float = false;
    if (this.bool && !BOOLEAN.test(v)) this.bool = false;
  }

  /** Whether a cell can still change the guess: a column found to be text stays text. */
  get open(): boolean {
    return this.int || this.float || this.bool;
  }

  // What add does with three common kinds of text, for a caller that tells them from their bytes
  // (csv-bounds.ts) without making the string.

  /** A cell that is an integer of up to 15 digits, with an optional "-" (add's fast case). */
  addShortInteger(): void {
    this.sawValue = true;
    this.bool = false;
  }

  /** A cell of digits with one point and an optional "-" ("2.5", "-.5", "1."): FLOAT, not INTEGER. */
  addDecimal(): void {
    this.sawValue = true;
    this.int = false;
    this.bool = false;
  }

  /** "true" or "false", in any case. */
  addBoolean(): void {
    this.sawValue = true;
    this.int = false;
    this.float = false;
  }

  /**
   * The cells that would leave this guess as it is, as a regular expression's source for one cell
   * of a row with the one-byte delimiter `d` and line break `n`, each a `\xHH` escape (for
   * HeadScan.skipSteadyRows in csv-bounds.ts): an empty cell, and the cells of the kinds HeadScan
   * tells from their bytes (a short integer, a decimal, "true" or "false", in any case) whose add
   * method would change nothing here. In a column found to be text, any cell but a quoted one with
   * a doubled quote inside.
   */
  steadyCell(d: string, n: string): string {
    if (!this.open) return `(?:"[^"]*"(?!")[^${d}${n}]*|[^${d}${n}"][^${d}${n}]*|)`;
    if (!this.sawValue) return '';
    const kinds: string[] = [];
    if (!this.bool) kinds.push('-?\\d{1,15}');
    if (!this.int && !this.bool) kinds.push(`-?(?=[\\d.]{2,16}[${d}${n}])(?:\\d+\\.\\d*|\\.\\d+)`);
    if (!this.int && !this.float) kinds.push('[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]');
    return kinds.length ? `(?:${kinds.join('|')}|)` : '';
  }

  get dtype(): Dtype {
    if (!this.sawValue) return 'str';
    if (this.int) return 'i64';
    if (this.float) return 'f64';
    return this.bool ? 'bool' : 'str';
  }
}

/** A cell's text as a value of its column's dtype; null when empty or when it does not fit. */
export function convert(value: string, dtype: Dtype): Cell {
  if (value === '') return null;
  switch (dtype) {
    case 'i64':
      return shortInteger(value) ?? (fitsI64(value) ? Number(value) : null);
    case 'f64': {
      const integer = shortInteger(value);
      if (integer !== undefined) return integer;
      if (!FLOAT.test(value) && !INTEGER.test(value)) return null;
      const last = value.charCodeAt(value.length - 1) | 0x20;
      // "inf" and "-inf", in any case: Number() reads only "Infinity".
      if (last === 0x66) return value.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
      return Number(value);
    }
    case 'bool':
      return BOOLEAN.test(value) ? value.toLowerCase() === 'true' : null;
    default:
      return value;
  }
}

/**
 * The value of an integer of up to 15 digits, with an optional "-" (what INTEGER matches), read
 * without a regular expression; undefined for any other text, which the slow path then judges.
 */
function shortInteger(text: string): number | undefined {
  const negative = text.charCodeAt(0) === 0x2d;
  let at = negative ? 1 : 0;
  if (at === text.length || text.length - at > 15) return undefined;
  let value = 0;
  for (; at < text.length; at++) {
    const digit = text.charCodeAt(at) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/** The first header name that an earlier one repeats, if any. */
export function repeatedName(header: readonly string[]): string | undefined {
  const seen = new Set<string>();
  return header.find((name) => seen.has(name) || !seen.add(name));
}

/** What polars says of a repeated name, where a repeated name is refused (CsvOptions). */
export const repeatedNameError = (name: string) => `column with name '${name}' has more than one occurrence`;

/** Header names as polars' CSV reader makes them unique: the second `a` is `a_duplicated_0`, and so on. */
export function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_duplicated_${count - 1}`;
  });
}

/** Where readRows hands the header's names once read, then each cell, with its column. */
interface CellSink {
  header?(names: readonly string[]): void;
  add(value: string, column: number): void;
}

/**
 * Reads the header and up to `maxRows` rows, handing each cell to `cells` with its column (a short
 * row is padded with '' and a long one cut, so every row gives one cell per header name), or says
 * why polars would refuse the text. The dialect is sniffed unless given.
 */
function readRows(
  text: string,
  options: CsvOptions,
  maxRows: number,
  sniffed: Dialect | undefined,
  cells: CellSink,
):
  | { ok: true; dialect: Dialect; header: string[]; height: number; end: number }
  | { ok: false; error: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, error: 'empty CSV' };
  const dialect = sniffed ?? sniffCsv(body, options);
  const rows = new RowReader(dialect, cells);
  scanRows(body, dialect, rows, Math.min(maxRows + 1, UNLIMITED));
  const { header, height, end } = rows;
  if (!header) return { ok: false, error: 'empty CSV' };
  return { ok: true, dialect, header, height, end: text.length - body.length + end };
}

/**
 * readRows' sink: the header, then each cell with its column. A class, so that every read calls
 * the same `field` (V8's code for scanRows' call is made for the function it has seen there).
 */
class RowReader implements RowSink {
  header: string[] | undefined;
  private readonly headerFields: string[] = [];
  height = 0;
  /** Where the last row read ends, after its line break. */
  end = 0;

  constructor(
    private readonly dialect: Dialect,
    private readonly cells: CellSink,
  ) {}

  field(value: string, column: number): void {
    if (!this.header) this.headerFields.push(value);
    else if (column < this.header.length) this.cells.add(value, column);
  }

  rowEnd(fields: number, _start: number, rowEnd: number): void {
    this.end = rowEnd + this.dialect.newline.length;
    if (!this.header) {
      this.header = this.headerFields;
      this.cells.header?.(this.header);
      return;
    }
    for (let c = fields; c < this.header.length; c++) this.cells.add('', c);
    this.height++;
  }
}

/** The delimiters a CSV's dialect is guessed among. */
const DELIMITERS = [',', '\t', ';', '|'];

/** The delimiter and line break of a CSV's text (papaparse looks at its first MiB). */
export function sniffCsv(text: string, options: CsvOptions): Dialect {
  return sniffDialect(text, options.delimiter, DELIMITERS);
}

/** sniffCsv's answer for the text that `piece` starts, when the piece settles it (sniffPiece). */
export function sniffCsvPiece(piece: string, options: CsvOptions): Dialect | undefined {
  return sniffPiece(piece, options.delimiter, DELIMITERS);
}

/**
 * Parses CSV/TSV text into a typed frame, or says why polars would refuse it. No second copy of the
 * cells is built: the head's texts are converted in place, the rest as they are read.
 */
export function readCsv(text: string, options: CsvOptions = {}): CsvResult {
  const cells = new FrameCells(expectedRows(text));
  const read = readRows(text, options, Infinity, undefined, cells);
  if (!read.ok) return read;
  const { header, height } = read;
  const { dtypes, values } = cells.finish(header.length, height);
  const duplicate = options.refuseDuplicateNames ? repeatedName(header) : undefined;
  if (duplicate !== undefined) return { ok: false, error: repeatedNameError(duplicate) };
  const columns: Column[] = uniqueNames(header).map((name, c) => ({
    name,
    dtype: dtypes[c]!,
    values: values[c]!,
  }));
  return { ok: true, frame: { columns, height } };
}

/** Of the text's start, the part whose line breaks foretell how many rows the whole text has. */
const SAMPLE_CHARS = 1 << 16;
/**
 * At most this many cells are made room for ahead (8 bytes each: 128 MB), however many rows the
 * sample foretells; past them, the columns grow as they are filled.
 */
const MAX_CELLS_AHEAD = 1 << 24;

/**
 * About how many rows `text` has: its line feeds ("\n" and "\r\n" breaks) in the first 64 KiB,
 * scaled to its length. 0 when that holds none.
 */
function expectedRows(text: string): number {
  const sample = text.slice(0, SAMPLE_CHARS);
  let feeds = 0;
  for (let at = sample.indexOf('\n'); at >= 0; at = sample.indexOf('\n', at + 1)) feeds++;
  return sample.length === 0 ? 0 : Math.ceil((feeds * text.length) / sample.length);
}

/**
 * readCsv's cells, a column of values each, filled by row index. Cells are kept as text until the
 * first INFER_ROWS rows have given each column its dtype, then converted; later cells are converted
 * as they are read, so that their texts die young. Each column is made as long as the rows the text
 * foretells: pushed a million times, it was copied into a larger array again and again, and the
 * copies collected (a 55 MB file of 1M rows took 1.08-2.00 s so, and 0.80-1.02 s made ahead, by
 * hand). A class: see RowReader.
 */
class FrameCells implements CellSink {
  private values: Cell[][] = [];
  private dtypes: Dtype[] | undefined;
  /** The row being filled: a row starts with its cell of column 0. */
  private row = -1;

  constructor(private readonly rowsAhead: number) {}

  header(names: readonly string[]): void {
    const length = Math.min(this.rowsAhead, Math.floor(MAX_CELLS_AHEAD / Math.max(names.length, 1)));
    this.values = names.map(() => new Array<Cell>(length));
  }

  add(value: string, column: number): void {
    if (column === 0 && ++this.row === INFER_ROWS && !this.dtypes) this.infer(INFER_ROWS);
    this.values[column]![this.row] = this.dtypes ? convert(value, this.dtypes[column]!) : value;
  }

  /** Each column's dtype from the texts of its first `rows` cells, which it converts. */
  private infer(rows: number): void {
    this.dtypes = this.values.map((column) => {
      const guess = new DtypeGuess();
      for (let r = 0; r < rows; r++) guess.add(column[r] as string);
      const dtype = guess.dtype;
      for (let r = 0; r < rows; r++) column[r] = convert(column[r] as string, dtype);
      return dtype;
    });
  }

  /** The dtypes and values of the `columns` columns, `height` rows long. */
  finish(columns: number, height: number): { dtypes: Dtype[]; values: Cell[][] } {
    if (!this.dtypes) this.infer(height);
    for (const column of this.values) column.length = height;
    return {
      dtypes: this.dtypes!,
      values: Array.from({ length: columns }, (_, c) => this.values[c] ?? []),
    };
  }
}

/** What a CSV's head tells: its dialect, and its column names and dtypes. */
export interface CsvLayout {
  dialect: Dialect;
  columns: Array<{ name: string; dtype: Dtype }>;
}

// See kept-shapes.ts.
keepShapes(new DtypeGuess(), new RowReader({ delimiter: ',', newline: '\n' }, new FrameCells(1)));
