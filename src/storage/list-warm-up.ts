// The in-memory record columns' count and page code (record-columns.ts), run over made-up records
// before any list asks, so that V8 has compiled it. V8 first interprets a function and optimizes it
// once it has run hot: until then a pass over 100,000 records' codes runs several times slower, and
// a list's first request paid for it (a count over a date range took 4.8 ms cold and 0.8 ms warmed
// up, the first page of 60,000 records sorted by a number 5.8 ms and 2.9 ms, timed by hand in the
// bench's lists). The code is the same for every instance of RecordColumns, so a scratch one serves.
import { COLUMN_FIELDS, RecordColumns } from './record-columns.js';
import { SORT_FIELDS } from './datafold-fields.js';
import type { ListQuery } from './datafold-lists.js';
import type { Value } from './value-dictionary.js';

/** Made-up records: enough for V8 to find the loops hot, few enough to fill in one turn (~5 ms). */
const RECORDS = 2_000;
/** How often each list below runs (one list per turn of the event loop; ~40 ms in all). */
const ROUNDS = 10;

/** One made-up record's row as SQLite returns it (COLUMN_ROW): a value of its kind per field. */
function madeUpRow(id: number): Value[] {
  const row: Value[] = [id];
  for (const name of COLUMN_FIELDS) {
    const field = SORT_FIELDS[name]!;
    if (id % 11 === 0) {
      row.push(null);
      continue;
    }
    switch (field.kind) {
      case 'int':
        row.push(id % 7);
        break;
      case 'bool':
        // SQLite's json_extract gives a JSON boolean as 1 or 0.
        row.push(id % 2);
        break;
      case 'number':
        row.push(((id * 7919) % 1000) / 1000);
        break;
      case 'date':
        row.push(new Date(Date.UTC(2025, 0, 1) + id * 3_600_000).toISOString());
        break;
      case 'enum':
        row.push(field.values![id % field.values!.length]!);
        break;
      case 'path':
        row.push(`db.s.t${id % 5}`);
        break;
      case 'list':
        row.push(`["c${id % 3}"]`);
        break;
      case 'string':
        row.push(`s${id % 13}`);
    }
  }
  return row;
}

const list = (where: ListQuery['where'], orderBy = 'id', descending = false, offset = 0): ListQuery => ({
  where,
  orderBy,
  descending,
  offset,
  limit: 100,
});
const equal = (field: string, ...values: Array<string | number>) => ({
  field,
  anyOf: values.map((value) => ({ op: 'eq' as const, value })),
});
const DATES = {
  field: 'created_at',
  anyOf: [{ op: 'range' as const, from: '2025-01-10', to: '2025-02-20' }],
};

/** Lists of each kind the columns answer: filters on one field and on several, each sort kind. */
const LISTS: ListQuery[] = [
  list([]),
  list([], 'stats.match_ratio', true, 300),
  list([equal('status', 'done', 'failed'), DATES]),
  list([{ field: 'table1', anyOf: [{ op: 'path', value: 'DB.S.T2' }] }], 'created_at'),
  list([equal('status', 'done'), equal('data_source1_id', 2)], 'created_at', true),
  list([equal('status', 'done')], 'stats.match_ratio'),
  list([equal('result', 'identical')], 'user_name'),
  list([{ field: 'updated_at', anyOf: [{ op: 'range', to: '2025-02-01' }] }], 'updated_at', true),
];

/**
 * Runs the columns' count and page over made-up records, a list per turn of the event loop, until
 * done or `stopped()`.
 */
export async function warmUpListCode(stopped: () => boolean): Promise<void> {
  const columns = new RecordColumns();
  const build = columns.startBuild();
  for (let id = 1; id <= RECORDS; id++) columns.put(madeUpRow(id));
  columns.finishBuild(build);
  for (let round = 0; round < ROUNDS; round++)
    for (const q of LISTS) {
      if (stopped()) return;
      columns.count(q.where);
      columns.page(q.where, q);
      await new Promise((turn) => setImmediate(turn));
    }
}
