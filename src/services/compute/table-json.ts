// A data source's table as storage keeps it: JSON text, `{columns, values}`, a column's values to an
// array, which a data diff's process parses (parseTable). A text column of mostly distinct values is
// kept as `{text, ends}` instead: its values joined, and where each ends (null for a null). V8's
// JSON.parse looks every short string up in its table of unique strings, which costs little for a
// column that repeats a few values and much for one of a million distinct names: the name column
// of a 1M-row table took 310 ms to parse as an array of strings, and 95 ms so, cut into slices
// (by hand). A repeated value is still worth the lookup: parsed once, it is shared.
import type { Dataset } from '../../engine/datadiff.js';
import type { Cell, Dtype } from '../../engine/frame.js';

/**
 * A text column as one string: `ends[i]` is where value i ends in `text` (it starts where the value
 * before it ended), or null for a null.
 */
interface JoinedText {
  text: string;
  ends: Array<number | null>;
}

type StoredColumn = Cell[] | JoinedText;

/** How many of a text column's first values tell whether its values are mostly distinct. */
export const SAMPLE = 1000;

/** The JSON text a table is stored as. */
export function tableJson(columns: Array<{ name: string; dtype: Dtype }>, values: Cell[][]): string {
  const stored = values.map((column, c) =>
    columns[c]?.dtype === 'str' && mostlyDistinct(column) ? (joinText(column) ?? column) : column,
  );
  return JSON.stringify({ columns, values: stored });
}

function mostlyDistinct(column: Cell[]): boolean {
  const seen = new Set<Cell>();
  let sampled = 0;
  for (let i = 0; i < column.length && sampled < SAMPLE; i++) {
    if (column[i] === null) continue;
    seen.add(column[i]!);
    sampled++;
  }
  return mostDistinct(seen.size, sampled);
}

/** Whether more of a sample's values are distinct than are repeats: a column stored joined. */
export const mostDistinct = (distinct: number, sampled: number) => distinct * 2 > sampled;

/** The column joined, or null when a value is not text (a table read from SQLite can hold one). */
function joinText(column: Cell[]): JoinedText | null {
  const parts: string[] = [];
  const ends: Array<number | null> = [];
  let end = 0;
  for (const value of column) {
    if (value === null) ends.push(null);
    else if (typeof value !== 'string') return null;
    else {
      parts.push(value);
      end += value.length;
      ends.push(end);
    }
  }
  return { text: parts.join(''), ends };
}

function splitText({ text, ends }: JoinedText): Cell[] {
  const values = new Array<Cell>(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    if (end === null) values[i] = null;
    else {
      values[i] = text.slice(start, end);
      start = end;
    }
  }
  return values;
}

/**
 * A stored table's JSON text, parsed (see tableJson); or, as stored before, `{columns, values}` with
 * every column an array, or `{columns, rows}`, a row to an array.
 */
export function parseTable(text: string): Dataset {
  const json = JSON.parse(text) as { columns: Dataset['columns']; values?: StoredColumn[]; rows?: Cell[][] };
  const { columns } = json;
  if (json.values) {
    const values = json.values.map((column) => (Array.isArray(column) ? column : splitText(column)));
    return { columns, values, height: values[0]?.length ?? 0 };
  }
  const rows = json.rows ?? [];
  return { columns, values: columns.map((_, c) => rows.map((row) => row[c] ?? null)), height: rows.length };
}
