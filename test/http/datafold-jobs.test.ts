import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, datafoldSpecOnce, type App } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { openDatabase } from '../../src/storage/db.js';
import { STEP_BYTES } from '../../src/services/compute/csv-table.js';
import { build, call } from '../helpers/app.js';

// Data diff jobs end to end: numbers checked by hand on small tables registered through the admin
// API, the job's states, failures, cancellation, time limits and a restart on a file database.
const DIFFS = '/api/v1/datadiffs';
const A = 'id,name,price,qty\n1,apple,1.00,3\n2,pear,2.50,1\n3,plum,0.75,9\n4,kiwi,0.40,2\n5,fig,3.10,4\n';
const B =
  'id,name,price,qty,color\n1,apple,1.00,3,red\n2,Pear,2.50,1,green\n3,plum,0.80,9,purple\n5,fig,3.10,5,brown\n6,lime,0.30,7,green\n6,lime,0.30,7,green\n,nil,0,0,none\n';
let app: App;
let dataDir: string;

async function register(target: App, id: number, tables: Record<string, string>) {
  const res = await target.app.inject({
    method: 'POST',
    url: '/_mock/datafold/data_sources',
    payload: {
      id,
      name: `source-${id}`,
      tables: Object.fromEntries(Object.entries(tables).map(([k, csv]) => [k, { csv }])),
    },
  });
  expect(res.statusCode).toBe(201);
}

const create = (target: App, body: object) => call(target, 'create_datadiff', 'POST', DIFFS, body);
const poll = (target: App, id: number) => call(target, 'get_datadiff', 'GET', `${DIFFS}/${id}?poll`);
const diffBody = (over: object = {}) => ({
  data_source1_id: 10,
  data_source2_id: 11,
  table1: ['SHOP', 'FRUIT'],
  table2: ['shop', 'fruit'],
  pk_columns: ['id'],
  ...over,
});

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'diffmock-df-'));
  app = await build(dataDir, { jobTimeoutMs: 1500 });
  await register(app, 10, { 'SHOP.FRUIT': A });
  await register(app, 11, { 'SHOP.FRUIT': B, 'SHOP.OTHER': 'x\n1\n' });
});
afterAll(() => app.app.close());

describe('creating and running a data diff', () => {
  it('answers the full record, waiting, with every field of the schema and the defaults filled', async () => {
    const res = await create(app, diffBody());
    expect(res.statusCode).toBe(200);
    const schema = (datafoldSpecOnce().document.components as any).schemas.ApiDataDiffFull;
    expect(Object.keys(res.json)).toEqual(Object.keys(schema.properties));
    expect(res.json).toMatchObject({
      status: 'waiting',
      done: false,
      source: 'api',
      kind: 'cross_db',
      algorithm: 'fetch_and_join',
      result: null,
      result_statuses: {},
      result_revisions: {},
      include_columns: [],
      exclude_columns: [],
      archived: false,
      purged: false,
      diff_stats: null,
    });
    expect(Number.isInteger(res.json.id)).toBe(true);
    expect(res.json.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  });

  it('computes the statistics of the hand-checked example', async () => {
    const { json } = await create(app, diffBody({ diff_tolerance: 0.01 }));
    const done = await poll(app, json.id);
    expect(done.json).toMatchObject({ status: 'done', done: true, result: 'bad-pks' });
    expect(done.json.diff_progress).toEqual({ completed_steps: 3, total_steps: 3, version: '1' });
    const results = await call(
      app,
      'get_datadiff_summary_results',
      'GET',
      `${DIFFS}/${json.id}/summary_results`,
    );
    // A has keys 1-5; B has 1,2,3,5, key 6 twice and a null key. Compared: 1,2,3,5.
    // name differs for 2 (case), price for 3 (0.75→0.80, beyond 0.01), qty for 5.
    expect(results.json).toEqual({
      status: 'success',
      pks: { total_rows: [5, 7], nulls: [0, 1], dupes: [0, 2], exclusives: [1, 1], distincts: [5, 5] },
      values: {
        total_rows: 4,
        rows_with_differences: 3,
        total_values: 12,
        values_with_differences: 3,
        compared_columns: 3,
        columns_with_differences: 3,
        columns_diff_stats: [
          { column_name: 'name', match: 75, values_different: 1 },
          { column_name: 'price', match: 75, values_different: 1 },
          { column_name: 'qty', match: 75, values_different: 1 },
        ],
      },
    });
    expect(done.json.diff_stats).toMatchObject({
      rows_added: 1,
      rows_removed: 1,
      diff_rows_count: 3,
      table_a_row_count: 5,
      table_b_row_count: 7,
      diff_duplicate_pks: 2,
      diff_null_pks: 1,
      version: '1',
    });
  });

  it('honours case-insensitive strings, per-column tolerance, exclusions and filters', async () => {
    const { json } = await create(
      app,
      diffBody({
        table_modifiers: ['case_insensitive_strings'],
        diff_tolerances_per_column: [
          { column_name: 'price', tolerance_value: 0.1, tolerance_mode: 'relative' },
        ],
        exclude_columns: ['qty'],
        filter2: 'id IS NOT NULL AND id < 6',
      }),
    );
    await poll(app, json.id);
    const results = await call(
      app,
      'get_datadiff_summary_results',
      'GET',
      `${DIFFS}/${json.id}/summary_results`,
    );
    expect(results.json.pks).toEqual({
      total_rows: [5, 4],
      nulls: [0, 0],
      dupes: [0, 0],
      exclusives: [1, 0],
      distincts: [5, 4],
    });
    expect(results.json.values).toMatchObject({ compared_columns: 2, rows_with_differences: 0 });
    const record = await call(app, 'get_datadiff', 'GET', `${DIFFS}/${json.id}`);
    expect(record.json.result).toBe('different');
  });

  it('keys rows by a text column, or by several columns, as the hand-checked example tells', async () => {
    const results = async (pk: string[]) => {
      const { json } = await create(app, diffBody({ pk_columns: pk }));
      await poll(app, json.id);
      return (await call(app, 'get_datadiff_summary_results', 'GET', `${DIFFS}/${json.id}/summary_results`))
        .json;
    };
    // By name: A's pear and kiwi are not in B (whose Pear differs in case), B's Pear, lime (twice)
    // and nil are not in A. Compared: apple, plum (price 0.75→0.80) and fig (qty 4→5).
    const byName = await results(['name']);
    expect(byName.pks).toEqual({
      total_rows: [5, 7],
      nulls: [0, 0],
      dupes: [0, 2],
      exclusives: [2, 3],
      distincts: [5, 6],
    });
    expect(byName.values).toMatchObject({
      total_rows: 3,
      rows_with_differences: 2,
      columns_diff_stats: [
        { column_name: 'id', values_different: 0 },
        { column_name: 'price', values_different: 1 },
        { column_name: 'qty', values_different: 1 },
      ],
    });
    // By name and qty: fig (4 in A, 5 in B) is now two keys. Compared: apple and plum.
    const byNameAndQty = await results(['name', 'qty']);
    expect(byNameAndQty.pks).toMatchObject({ exclusives: [3, 4], distincts: [5, 6], dupes: [0, 2] });
    expect(byNameAndQty.values).toMatchObject({
      total_rows: 2,
      rows_with_differences: 1,
      compared_columns: 2,
    });
  });

  it('reads query1/query2 over the source tables, by full or short name', async () => {
    const { json } = await create(app, {
      ...diffBody(),
      table1: null,
      table2: null,
      query1: 'SELECT id, qty FROM fruit WHERE id <= 3',
      query2: 'SELECT id, qty FROM "SHOP.FRUIT" WHERE id <= 3',
    });
    const done = await poll(app, json.id);
    expect(done.json.result).toBe('identical');
    expect(done.json.diff_stats.match_ratio).toBe(1);
  });

  it.each([
    ['an unknown table', { table2: ['SHOP', 'NOPE'] }, 'NoSuchTableException', 'SHOP.NOPE'],
    ['an unknown key column', { pk_columns: ['sku'] }, 'NoSuchColumnException', 'sku'],
    ['a query that writes', { table1: null, query1: 'DELETE FROM fruit' }, 'QueryError', undefined],
    ['a bad filter', { filter1: 'nope = 1' }, 'NoSuchColumnException', 'nope'],
  ])('fails the job on %s, with the error in summary_results', async (_n, over, type, value) => {
    const { json } = await create(app, diffBody(over));
    const done = await poll(app, json.id);
    expect(done.json).toMatchObject({ status: 'failed', done: true, result: 'error' });
    const results = await call(
      app,
      'get_datadiff_summary_results',
      'GET',
      `${DIFFS}/${json.id}/summary_results`,
    );
    expect(results.json.status).toBe('failed');
    expect(results.json.error.error_type).toBe(type);
    if (value) expect(results.json.error.error_value).toBe(value);
  });

  it('diffs CSV files under the data directory with their options', async () => {
    writeFileSync(join(dataDir, 'a.csv'), '# export\nid;v\n1;x\n2;y\n-- end\n');
    writeFileSync(join(dataDir, 'b.csv'), 'id;v\n1;x\n2;z\n');
    const options = { file_type: 'csv', delimiter: ';', skip_head_rows: 1, skip_tail_rows: 1 };
    const { json } = await create(app, {
      data_source1_id: 10,
      data_source2_id: 10,
      file1: pathToFileURL(join(dataDir, 'a.csv')).href,
      file1_options: options,
      file2: 'b.csv',
      file2_options: { file_type: 'csv', delimiter: ';' },
      pk_columns: ['id'],
    });
    expect(json.kind).toBe('cross_db');
    expect(json.file2).toBe(pathToFileURL(join(dataDir, 'b.csv')).href);
    const done = await poll(app, json.id);
    expect(done.json.diff_stats).toMatchObject({ diff_rows_count: 1, table_a_row_count: 2 });
  });
});

describe('registering a large CSV through the admin API', () => {
  it('reads it a slice per turn of the event loop, answering other requests meanwhile, then diffs it whole', async () => {
    // Rows enough for three slices of the reader.
    const lines = ['id,name,kind,amount'];
    let size = 0;
    for (let i = 0; size < 2.5 * STEP_BYTES; i++) {
      const line = `${i},name-${i},${['a', 'b', 'c'][i % 3]},${i / 4}`;
      lines.push(line);
      size += line.length + 1;
    }
    const rows = lines.length - 1;
    let turns = 0;
    let registering = true;
    const count = () => {
      turns++;
      if (registering) setImmediate(count);
    };
    setImmediate(count);
    const answered: string[] = [];
    const registered = register(app, 20, { 'BIG.T': lines.join('\n') }).then(() => {
      registering = false;
      answered.push('register');
    });
    const health = app.app.inject('/_mock/health').then(() => answered.push('health'));
    await Promise.all([registered, health]);
    expect(answered).toEqual(['health', 'register']);
    expect(turns).toBeGreaterThanOrEqual(3);
    const { json } = await create(
      app,
      diffBody({ data_source1_id: 20, data_source2_id: 20, table1: ['BIG', 'T'], table2: ['BIG', 'T'] }),
    );
    const done = await poll(app, json.id);
    expect(done.json).toMatchObject({ status: 'done', result: 'identical' });
    expect(done.json.diff_stats).toMatchObject({ table_a_row_count: rows, table_b_row_count: rows });
  });
});

describe('the job lifecycle', () => {
  let slow: App;
  beforeAll(async () => {
    slow = await build('', { minPhaseMs: 150, pollMs: 100 });
    await register(slow, 10, { 'SHOP.FRUIT': A });
    await register(slow, 11, { 'SHOP.FRUIT': B });
  });
  afterAll(() => slow.app.close());

  it('moves waiting → processing (with progress) → done, as GET and summary_results show', async () => {
    const { json } = await create(slow, diffBody());
    const seen: string[] = [];
    const progress: number[] = [];
    for (let i = 0; i < 40 && seen[seen.length - 1] !== 'done'; i++) {
      const res = await poll(slow, json.id);
      if (seen[seen.length - 1] !== res.json.status) seen.push(res.json.status);
      if (res.json.diff_progress) progress.push(res.json.diff_progress.completed_steps);
      if (res.json.status === 'processing') {
        const partial = await call(
          slow,
          'get_datadiff_summary_results',
          'GET',
          `${DIFFS}/${json.id}/summary_results`,
        );
        expect(partial.json).toEqual({ status: 'running' });
      }
    }
    expect(seen).toEqual(['waiting', 'processing', 'done']);
    expect(progress).toEqual([...progress].sort());
  });

  it('cancels a running job for good; cancelling a finished one changes nothing', async () => {
    const { json } = await create(slow, diffBody());
    // Read before the cancel, as a client waiting for the job does: answered again after it.
    const summaryResults = () =>
      call(slow, 'get_datadiff_summary_results', 'GET', `${DIFFS}/${json.id}/summary_results`);
    const summary = () => call(slow, 'get_datadiff_summary', 'GET', `${DIFFS}/${json.id}/summary`);
    expect(['pending', 'running']).toContain((await summaryResults()).json.status);
    expect((await summary()).json.result_status).toBeNull();
    const cancelled = await call(slow, 'cancel_datadiff', 'POST', `${DIFFS}/${json.id}/cancel`);
    expect(cancelled.json).toEqual({ id: json.id, status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 600));
    const record = await call(slow, 'get_datadiff', 'GET', `${DIFFS}/${json.id}`);
    expect(record.json).toMatchObject({ status: 'cancelled', done: true, result: null });
    const results = await call(
      slow,
      'get_datadiff_summary_results',
      'GET',
      `${DIFFS}/${json.id}/summary_results`,
    );
    expect(results.json.status).toBe('failed');
    expect((await summaryResults()).body).toBe(results.body);
    expect((await summary()).json).toMatchObject({ status: 'cancelled', result_status: 'cancelled' });
    const again = await call(slow, 'cancel_datadiff', 'POST', `${DIFFS}/${json.id}/cancel`);
    expect(again.json.status).toBe('cancelled');
  });
});

describe('a file database', () => {
  it('keeps records across a restart and re-runs a job the stop interrupted', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'diffmock-dfdb-')), 'state.db');
    const start = (minPhaseMs: number) =>
      buildApp({ config: { data: BUNDLED_DATA, logLevel: 'silent', minPhaseMs }, db: openDatabase(file) });
    const first = await start(5_000);
    const { json } = await create(first, {
      data_source1_id: 1,
      data_source2_id: 2,
      table1: ['ANALYTICS', 'PUBLIC', 'CUSTOMERS'],
      table2: ['ANALYTICS', 'DEV', 'CUSTOMERS'],
      pk_columns: ['customer_id'],
    });
    await first.app.close();
    const second = await start(0);
    const record = await poll(second, json.id);
    expect(record.json.status).toBe('done');
    expect(record.json.result).toBe('different');
    const list = await call(second, 'list_datadiffs', 'GET', `${DIFFS}?page_size=1000`);
    expect(list.json.count).toBe(61);
    await second.app.close();
  });
});
