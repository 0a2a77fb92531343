// Reading delimited text the way oxen-server's polars reader does (reference §6.5): a header row,
// dtypes inferred from the first 10,000 rows (i64, then f64, then bool, else str), an empty cell or a
// value that does not fit the inferred dtype is null, ragged rows are cut or padded, no dates.
import { scanRows, sniffDialect, type Dialect } from './csv-scan.js';
import type { Cell, Column, Dtype, Frame } from './frame.js';

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

export function inferDtype(values: string[]): Dtype {
  let sawValue = false;
  let int = true;
  let float = true;
  let bool = true;
  const limit = Math.min(values.length, INFER_ROWS);
  for (let i = 0; i < limit; i++) {
    const v = values[i]!;
    if (v === '') continue;
    sawValue = true;
    if (int && !fitsI64(v)) int = false;
    if (float && !int && !FLOAT.test(v) && !INTEGER.test(v)) float = false;
    if (bool && !BOOLEAN.test(v)) bool = false;
    if (!int && !float && !bool) return 'str';
  }
  if (!sawValue) return 'str';
  if (int) return 'i64';
  if (float) return 'f64';
  return bool ? 'bool' : 'str';
}

/** A cell's text as a value of its column's dtype; null when empty or when it does not fit. */
export function convert(value: string, dtype: Dtype): Cell {
  if (value === '') return null;
  switch (dtype) {
    case 'i64':
      return fitsI64(value) ? Number(value) : null;
    case 'f64': {
      if (!FLOAT.test(value) && !INTEGER.test(value)) return null;
      const lower = value.toLowerCase();
      if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
      return Number(value);
    }
    case 'bool':
      return BOOLEAN.test(value) ? value.toLowerCase() === 'true' : null;
    default:
      return value;
  }
}

/** Header names as polars' CSV reader makes them unique: the second `a` is `a_duplicated_0`, and so on. */
function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_duplicated_${count - 1}`;
  });
}

/** A CSV's text without a byte-order mark, its dialect, its header, and its columns' cells as text. */
interface CsvCells {
  body: string;
  dialect: Dialect;
  header: string[];
  /** Per column, the cells of the rows read; a short row is padded with '' and a long one cut. */
  cells: string[][];
  height: number;
}

/**
 * Reads the header and up to `maxRows` rows into per-column arrays (no array of row arrays is
 * built), or says why polars would refuse the text.
 */
function readCells(
  text: string,
  options: CsvOptions,
  maxRows: number,
): ({ ok: true } & CsvCells) | { ok: false; error: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, error: 'empty CSV' };
  const dialect = sniffDialect(body, options.delimiter, [',', '\t', ';', '|']);
  let header: string[] | undefined;
  const headerFields: string[] = [];
  let cells: string[][] = [];
  let height = 0;
  const sink = {
    field(value: string, column: number) {
      if (!header) headerFields.push(value);
      else if (column < cells.length) cells[column]!.push(value);
    },
    rowEnd(fields: number) {
      if (!header) {
        header = headerFields;
        cells = header.map(() => []);
        return;
      }
      for (let c = fields; c < cells.length; c++) cells[c]!.push('');
      height++;
    },
  };
  scanRows(body, dialect, sink, maxRows + 1);
  if (!header) return { ok: false, error: 'empty CSV' };
  return { ok: true, body, dialect, header, cells, height };
}

/**
 * Parses CSV/TSV text into a typed frame, or says why polars would refuse it. The per-column arrays
 * of text are converted in place: no second copy of the cells is built.
 */
export function readCsv(text: string, options: CsvOptions = {}): CsvResult {
  const read = readCells(text, options, Infinity);
  if (!read.ok) return read;
  const { header, cells, height } = read;
  if (options.refuseDuplicateNames) {
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name))
        return { ok: false, error: `column with name '${name}' has more than one occurrence` };
      seen.add(name);
    }
  }
  const columns: Column[] = uniqueNames(header).map((name, c) => {
    const values: Cell[] = cells[c]!;
    const dtype = inferDtype(values as string[]);
    for (let r = 0; r < values.length; r++) values[r] = convert(values[r] as string, dtype);
    return { name, dtype, values };
  });
  return { ok: true, frame: { columns, height } };
}

/** What a CSV's head tells: its text without a byte-order mark, dialect, and column names and dtypes. */
export interface CsvLayout {
  body: string;
  dialect: Dialect;
  columns: Array<{ name: string; dtype: Dtype }>;
}

/**
 * Reads only the header and the first 10,000 rows (all that dtype inference looks at), for readers
 * that go through the rest of the text themselves (keyed-csv.ts). Same names and dtypes as readCsv.
 */
export function csvLayout(
  text: string,
  options: CsvOptions = {},
): { ok: true; layout: CsvLayout } | { ok: false; error: string } {
  const read = readCells(text, options, INFER_ROWS);
  if (!read.ok) return read;
  const columns = uniqueNames(read.header).map((name, c) => ({ name, dtype: inferDtype(read.cells[c]!) }));
  return { ok: true, layout: { body: read.body, dialect: read.dialect, columns } };
}
