// Made-up tables that run the code of registering a CSV table and of a data diff before their
// first real use, so that V8 has the types it compiles them for: the server builds the table a few
// times as it starts (DataSourceService.warmUp), and a compute worker diffs two such tables once
// its first data diff has answered (worker.ts).
import type { Dtype } from '../../engine/frame.js';
import { datadiffTask, type DatadiffTask } from './datadiff-task.js';
import { tableBytes } from './table-bytes.js';

/** How many times the server's warm-up builds its table. */
export const WARM_TABLES = 4;

/** The warm-up columns' types, as reading their CSV gives them. */
const DTYPES: Dtype[] = ['i64', 'str', 'str', 'i64', 'f64', 'bool', 'str', 'i64'];

/** Rows of a warm-up table. */
const WARM_ROWS = 1000;

/** Words of the warm-up's column of repeats: a dozen, as a category column holds. */
const WARM_WORDS = [
  'north',
  'south',
  'east',
  'west',
  'alpha',
  'beta',
  'gamma',
  'delta',
  'red',
  'green',
  'blue',
  'amber',
];

type WarmCell = number | string | boolean | null;

/**
 * The rows of a warm-up table: 1,000 with a column of each kind a stored table keeps, integers
 * (with empty cells), decimals, booleans, distinct text, repeated words, and text with quotes and
 * a comma. Table `k` of the warm-up: an even one's rows end with a number (the code V8 compiled
 * without a number at a row's end was thrown away at the first real table's first row, and
 * compiled again). `changed`: the same table as a later version of it, some cells of each column
 * changed, some rows dropped and a few added, for a data diff.
 */
function warmUpRows(k: number, changed: boolean): { names: string[]; rows: WarmCell[][] } {
  const numberLast = k % 2 === 0;
  const names = ['id', 'name', 'kind', 'amount', 'score', 'flag', 'note', ...(numberLast ? ['count'] : [])];
  const rows: WarmCell[][] = [];
  for (let i = 0; i < (changed ? WARM_ROWS + 10 : WARM_ROWS); i++) {
    if (changed && i % 50 === 7) continue;
    const edited = changed && i % 20 === 3 ? 1 : 0;
    const amount = i % 10 ? ((i + edited) * 37) % 1000 : null;
    const row: WarmCell[] = [
      i,
      `item-${i + edited}`,
      WARM_WORDS[(i + edited) % WARM_WORDS.length]!,
      amount,
      (i % 400) / 4 + edited / 8,
      i % 3 === edited,
      `n "${i}", x`,
    ];
    rows.push(numberLast ? [...row, (i * 7 + edited) % 500] : row);
  }
  return { names, rows };
}

/**
 * Warm-up table `k` (warmUpRows) as a CSV: every other name quoted, every note quoted with its
 * quotes doubled, so that a row ends with the quoted note when it does not with a number.
 */
export function warmUpCsv(k = 0, changed = false): string {
  const { names, rows } = warmUpRows(k, changed);
  const field = (cell: WarmCell, c: number, i: number) =>
    cell === null
      ? ''
      : c === 6 || (c === 1 && i % 2 === 0)
        ? `"${String(cell).replaceAll('"', '""')}"`
        : String(cell);
  return [names.join(','), ...rows.map((row, i) => row.map((cell, c) => field(cell, c, i)).join(','))].join(
    '\n',
  );
}

/** How many times a compute worker's warm-up diffs its tables. */
export const WARM_DIFFS = 3;

/**
 * Diffs warm-up table 0 against a later version of it, keyed by its ids, WARM_DIFFS times, and
 * stores nothing (18-41 ms in a fresh process, by hand). Fewer rows or fewer diffs gave a later diff the types
 * but not the compiled code, and left its time as it was (by hand). The tables are built from their
 * cells (tableBytes): reading their CSV would compile the CSV reader too, which a worker does not
 * run. Returns how many diffs it ran.
 */
export function warmUpDatadiffs(): number {
  const [base, head] = warmUpTables();
  let ran = 0;
  for (; ran < WARM_DIFFS; ran++) {
    const outcome = datadiffTask(warmUpTask(base, head));
    if (!outcome.ok) throw new Error(outcome.error.error_value);
  }
  return ran;
}

/** Warm-up table 0 and its later version, as storage keeps them. */
export function warmUpTables(): [Buffer, Buffer] {
  const [base, head] = [false, true].map((changed) => {
    const { names, rows } = warmUpRows(0, changed);
    return tableBytes({
      columns: names.map((name, c) => ({ name, dtype: DTYPES[c]! })),
      values: names.map((_, c) => rows.map((row) => row[c]!)),
      height: rows.length,
    });
  });
  return [base!, head!];
}

/** The data diff of two tables of one made-up data source, keyed by their ids. */
export function warmUpTask(base: Uint8Array, head: Uint8Array): DatadiffTask {
  const side = (data: Uint8Array) => ({
    tables: [{ name: 'WARM.UP.T', data }],
    read: { kind: 'table' as const, path: ['WARM', 'UP', 'T'] },
    filter: null,
  });
  return { a: side(base), b: side(head), options: { pkColumns: ['id'] } };
}
