// A data source's table as storage kept it before table-bytes.ts: JSON text, `{columns, values}`, a
// column's values to an array, or for a text column of mostly distinct values `{text, ends}`, its
// values joined and where each ends (null for a null); or, before that, `{columns, rows}`. A
// database file written then still holds such tables, and a data diff parses them here.
import type { Dataset } from '../../engine/datadiff.js';
import type { Cell } from '../../engine/frame.js';

/**
 * A text column as one string: `ends[i]` is where value i ends in `text` (it starts where the value
 * before it ended), or null for a null.
 */
interface JoinedText {
  text: string;
  ends: Array<number | null>;
}

type StoredColumn = Cell[] | JoinedText;

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

/** A table stored as JSON text, in any of the forms above, parsed. */
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
