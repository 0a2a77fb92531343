// Benchmarks of the Datafold API, in-process. Prints one table.
// Run: npm run bench  (BENCH_RECORDS and BENCH_DIFF_ROWS change the sizes; defaults 100,000 and 1,000,000)
import type * as FieldsModule from '../src/storage/datafold-fields.js';
import type * as ColumnsModule from '../src/storage/record-columns.js';
import type * as ListQueryModule from '../src/services/datafold/list-query.js';
import type * as StoreModule from '../src/storage/datafold-store.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchApp,
  built,
  collectGarbage,
  longestStall,
  median,
  printTable,
  runDatadiff,
  settle,
  sqliteJoinMs,
  time,
} from './table.js';
import { mulberry32 } from '../scripts/tables.js';

const rows: Array<[string, string]> = [];

async function main(): Promise<void> {
  const { app, db, injectJson: inject } = await benchApp();

  // A list over N seeded records.
  const n = Number(process.env.BENCH_RECORDS ?? 100_000);
  const rand = mulberry32(3);
  const statuses = ['done', 'done', 'done', 'failed', 'cancelled'];
  const records = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    data_source1_id: 1 + (i % 3),
    data_source2_id: 2,
    pk_columns: ['id'],
    table1: ['DB', 'S', `T${i % 50}`],
    status: statuses[i % statuses.length],
    result: i % 5 < 3 ? (i % 2 ? 'different' : 'identical') : 'error',
    created_at: new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 365 * 86_400_000)).toISOString(),
    diff_stats:
      i % 5 < 3 ? { version: '1', match_ratio: Math.round(rand() * 1e6) / 1e6, diff_pks: rand() } : null,
  }));
  const [, seedMs] = await time(() => app.sources.seed(records));
  rows.push([`seed ${n.toLocaleString()} records (50 indexed sort fields)`, `${seedMs.toFixed(0)} ms`]);
  // Seeding leaves hundreds of MB of garbage, and V8's collection of it fell in the lists' first
  // requests: in some runs one of them took 57-59 ms, where it took 5-7 ms in others. It is collected
  // now, as before the data diff below (see there), and the bench rests a moment (see settle).
  records.length = 0;
  await settle();
  const queries: Array<[string, string]> = [
    ['list, default (id asc), page 1', ''],
    ['list, last page', `page=${Math.ceil(n / 100)}`],
    [
      'list, status=done,failed & created_at month',
      'status=done,failed&created_at=2025-03-01%3C%3C2025-03-31',
    ],
    ['list, sort by stats.match_ratio desc', 'order_by=stats.match_ratio&sort_order=desc'],
    ['list, table1=DB.S.T7, sort by created_at', 'table1=DB.S.T7&order_by=created_at'],
    [
      'list, status=done & data_source1_id=2, sort by created_at',
      'status=done&data_source1_id=2&order_by=created_at',
    ],
    ['list, result=different & table1=DB.S.T7', 'result=different&table1=DB.S.T7'],
    // Many records pass, and the sort field's index does not give their order.
    ['list, status=done, sort by stats.match_ratio', 'status=done&order_by=stats.match_ratio'],
    [
      'list, result=identical, sort by created_at desc',
      'result=identical&order_by=created_at&sort_order=desc',
    ],
    // Alternatives and ranges: counted through one index and a row lookup per match.
    [
      'list, status=done,failed & data_source1_id=1,3 & result=different,error',
      'status=done,failed&data_source1_id=1,3&result=different,error',
    ],
    [
      'list, data_source2_id=2 & status=done & created_at Mar-Sep',
      'data_source2_id=2&status=done&created_at=2025-03-01%3C%3C2025-09-30',
    ],
  ];
  // The first request counts the matching records; later ones (paging through the same list) find
  // the count remembered, until a write: both are shown.
  for (const [label, query] of queries) {
    const runs = 20;
    const list = async () => (await inject('GET', `/api/v1/datadiffs?${query}`)).count as number;
    const [count, firstMs] = await time(list);
    const [, ms] = await time(async () => {
      for (let i = 1; i < runs; i++) await list();
    });
    rows.push([
      `${label} (${count.toLocaleString()} match)`,
      `first ${firstMs.toFixed(1)} ms, then ${(ms / (runs - 1)).toFixed(1)} ms (mean of ${runs - 1})`,
    ]);
  }

  // The in-memory record columns those lists were counted from, made again from the table as the
  // server makes them when it restarts on a database file: the heap they hold, and the count of each
  // list above from them alone.
  const { RecordColumns } = await built<typeof ColumnsModule>('storage/record-columns.js');
  const { COLUMN_ROW } = await built<typeof FieldsModule>('storage/datafold-fields.js');
  const { readListQuery } = await built<typeof ListQueryModule>('services/datafold/list-query.js');
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const columns = new RecordColumns();
  const [, buildMs] = await time(() => {
    const generation = columns.startBuild();
    const read = db.prepare(`SELECT ${COLUMN_ROW} FROM df_datadiffs`);
    for (const row of read.raw().iterate() as Iterable<unknown[]>) columns.put(row);
    columns.finishBuild(generation);
  });
  collectGarbage();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  rows.push([
    `in-memory record columns of the ${n.toLocaleString()} records: built from the table / heap held`,
    `${buildMs.toFixed(0)} ms / ${heapMb.toFixed(1)} MB`,
  ]);
  const firsts: number[] = [];
  const means: number[] = [];
  for (const [, query] of queries) {
    const { where } = readListQuery(Object.fromEntries(new URLSearchParams(query)));
    const count = () => {
      if (columns.count(where) === undefined) throw new Error(`${query}: not counted in memory`);
    };
    firsts.push((await time(count))[1]);
    means.push((await time(() => Array.from({ length: 20 }, count)))[1] / 20);
  }
  const span = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)} ms`;
  rows.push([
    `their counts of the ${queries.length} lists above`,
    `first ${span(firsts)}, then ${span(means)} (mean of 20 each)`,
  ]);

  // A data diff of M rows x 6 columns between two data sources, 1% of values changed.
  const m = Number(process.env.BENCH_DIFF_ROWS ?? 1_000_000);
  const lines = ['id,a,b,c,d,e'];
  const changed = ['id,a,b,c,d,e'];
  for (let i = 0; i < m; i++) {
    const row = [i, i % 97, (i * 7) % 1000, `s${i % 13}`, (i % 1000) / 10, i % 2 ? 'x' : 'y'];
    lines.push(row.join(','));
    if (i % 100 === 0) row[2] = -1;
    changed.push(row.join(','));
  }
  // The reference: the sqlite3 shell's full outer join of the same two tables, as CSV files.
  const dir = mkdtempSync(join(tmpdir(), 'diffmock-bench-'));
  const [fileA, fileB] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
  writeFileSync(fileA, lines.join('\n'));
  writeFileSync(fileB, changed.join('\n'));
  const sqliteMs = median([0, 1, 2].map(() => sqliteJoinMs(fileA, fileB, ['a', 'b', 'c', 'd', 'e'])));
  rmSync(dir, { recursive: true, force: true });
  const [, registerMs] = await time(() => {
    app.sources.register({ id: 1, name: 'prod', tables: { 'DB.S.BIG': { csv: lines.join('\n') } } });
    app.sources.register({ id: 2, name: 'dev', tables: { 'DB.S.BIG': { csv: changed.join('\n') } } });
  });
  rows.push([`register two ${m.toLocaleString()}-row tables (admin service)`, `${registerMs.toFixed(0)} ms`]);
  // The second again, as the admin API registers it: a slice per turn of the event loop (since run 36).
  const text = changed.join('\n');
  await settle();
  const [[, inTurnsMs], registerStall] = await longestStall(() =>
    time(() => app.sources.registerInTurns({ id: 2, name: 'dev', tables: { 'DB.S.BIG': { csv: text } } })),
  );
  rows.push([
    `  one of them again as the admin API registers it (in turns) / longest event-loop stall`,
    `${inTurnsMs.toFixed(0)} ms / ${registerStall} ms`,
  ]);
  // The server keeps none of these strings: neither does the bench. Registering left hundreds of MB
  // of garbage too, which the server collects when V8 decides: with --expose-gc (as bench/all.ts
  // runs the suites) it is collected now, so that the stall below is the diff's own. Twice: V8 frees
  // the first collection's pages after it returns, and that sweep held the loop for 40-90 ms in the
  // diff's window (a scavenge with 1 ms of work paused 43 ms, in --trace-gc-nvp); the second
  // collection finishes it first, and has little of its own.
  lines.length = 0;
  changed.length = 0;
  await settle();
  const [[done, diffMs], stall] = await longestStall(() =>
    time(async () => {
      return runDatadiff(inject, {
        data_source1_id: 1,
        data_source2_id: 2,
        table1: ['DB', 'S', 'BIG'],
        table2: ['DB', 'S', 'BIG'],
        pk_columns: ['id'],
      });
    }),
  );
  const stats = done.diff_stats as { diff_rows_count: number } | null;
  rows.push([
    `data diff, ${m.toLocaleString()} rows x 6 cols, create to done`,
    `${diffMs.toFixed(0)} ms vs sqlite3 ${sqliteMs.toFixed(0)} ms: ${(sqliteMs / diffMs).toFixed(2)}x (${done.status}, ${stats?.diff_rows_count} rows differ)`,
  ]);
  rows.push(['longest event-loop stall during that diff', `${stall} ms`]);
  // The lists above through the store alone, from a store with its in-memory columns and from one
  // that does every list in SQL, each once first and then timed (a filtered page in SQL reads every
  // row that passes to sort them). Neither store remembers its pages: each is read every time.
  // Last, so that the columns' heap is not held during the data diff.
  const { DatafoldStore } = await built<typeof StoreModule>('storage/datafold-store.js');
  const inMemory = new DatafoldStore(db, { rememberPages: false });
  inMemory.listDatadiffs(readListQuery({}));
  while (!inMemory.listsInMemory()) await new Promise((turn) => setTimeout(turn, 10));
  for (const [label, store] of [
    ['with the in-memory columns', inMemory],
    ['in SQL alone', new DatafoldStore(db, { inMemory: false, rememberPages: false })],
  ] as const) {
    const means: string[] = [];
    for (const [, query] of queries) {
      const q = readListQuery(Object.fromEntries(new URLSearchParams(query)));
      store.listDatadiffs(q);
      const [, ms] = await time(() => {
        for (let i = 0; i < 5; i++) store.listDatadiffs(q);
      });
      means.push((ms / 5).toFixed(1));
    }
    rows.push([
      `the ${queries.length} lists above from the store, ${label} (mean of 5)`,
      `${means.join(', ')} ms`,
    ]);
  }
  await app.app.close();

  printTable(rows);
}

void main();
