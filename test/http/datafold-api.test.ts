import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { ORDER_BY } from '../../src/services/datafold/list-query.js';
import { build, call } from '../helpers/app.js';

// The list endpoint over the bundled history (its filters checked against the same records filtered in
// JavaScript), archive/purge, summary, and every kind of bad input in FastAPI's or RFC 7807's format.
const DIFFS = '/api/v1/datadiffs';
const history: any[] = JSON.parse(readFileSync(`${BUNDLED_DATA}/datafold/datadiffs.json`, 'utf8'));
let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

const list = async (query: string) => {
  const res = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?${query}`);
  expect(res.statusCode).toBe(200);
  return res.json;
};
const ids = (records: any[]) => records.map((r) => r.id);

describe('listing data diffs', () => {
  it('pages by id ascending by default, with the envelope the seed defines', async () => {
    const page = await list('page=2&page_size=25');
    expect(Object.keys(page)).toEqual(['count', 'page', 'page_size', 'total_pages', 'results']);
    expect(page).toMatchObject({ count: 60, page: 2, page_size: 25, total_pages: 3 });
    expect(ids(page.results)).toEqual(ids(history).slice(25, 50));
    expect(page.results[0]).not.toHaveProperty('diff_progress');
    expect(page.results[0]).not.toHaveProperty('user_name');
  });

  it('reads pages more than 1,000 rows deep (through their ids) in the same order as shallow ones', async () => {
    const deep = await build('');
    const seeded = await deep.app.inject({
      method: 'POST',
      url: '/_mock/datafold/datadiffs',
      payload: Array.from({ length: 2_500 }, (_, i) => ({
        data_source1_id: 1,
        data_source2_id: 1,
        pk_columns: ['id'],
        table1: ['T', String(i % 7)],
      })),
    });
    expect(seeded.statusCode).toBe(201);
    const page = async (query: string) =>
      ids((await call(deep, 'list_datadiffs', 'GET', `${DIFFS}?${query}`)).json.results);
    // One query in id order, one in the order of a field with ties (broken by id).
    const all = await page('page_size=2500');
    expect(await page('page=3&page_size=1000')).toEqual(all.slice(2000));
    const byTable = await page('page_size=2500&order_by=table1&sort_order=desc');
    expect(await page('page=2&page_size=1200&order_by=table1&sort_order=desc')).toEqual(
      byTable.slice(1200, 2400),
    );
    expect(byTable).not.toEqual(all);
    await deep.app.close();
  });

  it('filters with comma alternatives and combines fields', async () => {
    const page = await list('status=failed,cancelled&table1=analytics.public.orders&page_size=100');
    const expected = history.filter(
      (r) => ['failed', 'cancelled'].includes(r.status) && r.table1.join('.') === 'ANALYTICS.PUBLIC.ORDERS',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(page.results)).toEqual(ids(expected));
    const hidden = await list('user_name=ada&archived=false&page_size=100');
    expect(ids(hidden.results)).toEqual(ids(history.filter((r) => r.user_name === 'ada' && !r.archived)));
  });

  it.each([
    ['a bare date', '2026-08-15', (t: string) => t.startsWith('2026-08-15')],
    ['before a date', '<2026-07-01', (t: string) => t < '2026-07-01'],
    ['after a date-time', '>2026-10-01T12:00', (t: string) => t > '2026-10-01T12:00:00.000000+00:00'],
    ['between two dates', '2026-07-01<<2026-07-31', (t: string) => t >= '2026-07-01' && t < '2026-08-01'],
  ])('filters created_at by %s', async (_n, value, keep) => {
    const page = await list(`created_at=${encodeURIComponent(value)}&page_size=100`);
    expect(ids(page.results)).toEqual(ids(history.filter((r) => keep(r.created_at))));
  });

  it('sorts by any of the 50 names, descending with nulls first like Postgres', async () => {
    expect(ORDER_BY).toHaveLength(50);
    for (const name of ORDER_BY) expect((await list(`order_by=${name}&page_size=1`)).count).toBe(60);
    const page = await list('order_by=stats.match_ratio&sort_order=desc&page_size=100');
    const ratio = (r: any) => r.diff_stats?.match_ratio ?? null;
    const expected = [...history].sort((a, b) => {
      const x = ratio(a);
      const y = ratio(b);
      if (x === y) return b.id - a.id;
      if (x === null) return -1;
      if (y === null) return 1;
      return y - x;
    });
    expect(ids(page.results)).toEqual(ids(expected));
  });

  it('archives and purges through PATCH, which the list then sees', async () => {
    const target = history.find((r) => !r.archived)!;
    const patched = await call(app, 'update_datadiff', 'PATCH', `${DIFFS}/${target.id}`, { archived: true });
    expect(patched.json).toMatchObject({ id: target.id, archived: true, purged: false });
    const archived = await list('archived=true&page_size=100');
    expect(ids(archived.results)).toContain(target.id);
    const empty = await call(app, 'update_datadiff', 'PATCH', `${DIFFS}/${target.id}`);
    expect(empty.json.archived).toBe(true);
  });

  it('answers a record and a list read before a write with what the write left', async () => {
    // Both answers are remembered between writes (DatadiffService.getText, DatadiffLists.list).
    const target = history.filter((r) => !r.archived)[1]!;
    const record = () => call(app, 'get_datadiff', 'GET', `${DIFFS}/${target.id}`);
    const before = await record();
    expect((await record()).body).toBe(before.body);
    expect(before.json.archived).toBe(false);
    expect(ids((await list('archived=true&page_size=100')).results)).not.toContain(target.id);
    await call(app, 'update_datadiff', 'PATCH', `${DIFFS}/${target.id}`, { archived: true });
    expect((await record()).json.archived).toBe(true);
    expect(ids((await list('archived=true&page_size=100')).results)).toContain(target.id);
    // Polled, a finished record answers at once, from what was remembered.
    expect((await call(app, 'get_datadiff', 'GET', `${DIFFS}/${target.id}?poll`)).body).toBe(
      (await record()).body,
    );
  });

  it('answers 404 for a record read before a reset removed it', async () => {
    const own = await build('');
    const seeded = await own.app.inject({
      method: 'POST',
      url: '/_mock/datafold/datadiffs',
      payload: [{ data_source1_id: 1, data_source2_id: 1, pk_columns: ['id'], status: 'done' }],
    });
    const [id] = (seeded.json() as { ids: number[] }).ids;
    expect((await call(own, 'get_datadiff', 'GET', `${DIFFS}/${id}`)).statusCode).toBe(200);
    await own.app.inject({ method: 'POST', url: '/_mock/reset' });
    expect((await call(own, 'get_datadiff', 'GET', `${DIFFS}/${id}`)).statusCode).toBe(404);
    await own.app.close();
  });

  it('summarizes a finished diff with its data source names', async () => {
    const done = history.find((r) => r.status === 'done')!;
    const res = await call(app, 'get_datadiff_summary', 'GET', `${DIFFS}/${done.id}/summary`);
    expect(res.json).toMatchObject({
      id: done.id,
      status: 'done',
      data_source1_name: 'production',
      data_source2_name: 'development',
      result: done.result,
      results_count:
        done.summary_results.pks.exclusives[0] +
        done.summary_results.pks.exclusives[1] +
        done.summary_results.values.rows_with_differences,
    });
  });
});

describe('bad input', () => {
  const intMsg = 'Input should be a valid integer, unable to parse string as an integer';
  it.each([
    [
      'a non-integer id',
      'get_datadiff',
      'GET',
      `${DIFFS}/abc`,
      undefined,
      [{ type: 'int_parsing', loc: ['path', 'datadiff_id'], msg: intMsg, input: 'abc' }],
    ],
    [
      'a non-integer page',
      'list_datadiffs',
      'GET',
      `${DIFFS}?page=x`,
      undefined,
      [{ type: 'int_parsing', loc: ['query', 'page'], msg: intMsg, input: 'x' }],
    ],
    [
      'an unknown sort order',
      'list_datadiffs',
      'GET',
      `${DIFFS}?sort_order=up`,
      undefined,
      [
        {
          type: 'enum',
          loc: ['query', 'sort_order'],
          msg: "Input should be 'asc' or 'desc'",
          input: 'up',
          ctx: { expected: "'asc' or 'desc'" },
        },
      ],
    ],
    [
      'an unknown status filter',
      'list_datadiffs',
      'GET',
      `${DIFFS}?status=finished`,
      undefined,
      [
        {
          type: 'enum',
          loc: ['query', 'status'],
          msg: "Input should be 'needs_confirmation', 'needs_authentication', 'waiting', 'processing', 'done', 'failed' or 'cancelled'",
          input: 'finished',
          ctx: {
            expected:
              "'needs_confirmation', 'needs_authentication', 'waiting', 'processing', 'done', 'failed' or 'cancelled'",
          },
        },
      ],
    ],
    [
      'missing required fields',
      'create_datadiff',
      'POST',
      DIFFS,
      { data_source1_id: 1 },
      [
        {
          type: 'missing',
          loc: ['body', 'data_source2_id'],
          msg: 'Field required',
          input: { data_source1_id: 1 },
        },
        {
          type: 'missing',
          loc: ['body', 'pk_columns'],
          msg: 'Field required',
          input: { data_source1_id: 1 },
        },
      ],
    ],
    [
      'malformed JSON',
      'create_datadiff',
      'POST',
      DIFFS,
      '{"data_source1_id": 1,}',
      [
        {
          type: 'json_invalid',
          loc: ['body', 22],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting property name enclosed in double quotes' },
        },
      ],
    ],
    [
      'wrong types and enum values',
      'create_datadiff',
      'POST',
      DIFFS,
      { data_source1_id: 'one', data_source2_id: 2.5, pk_columns: 'id', algorithm: 'fast' },
      [
        { type: 'int_parsing', loc: ['body', 'data_source1_id'], msg: intMsg, input: 'one' },
        {
          type: 'int_from_float',
          loc: ['body', 'data_source2_id'],
          msg: 'Input should be a valid integer, got a number with a fractional part',
          input: 2.5,
        },
        { type: 'list_type', loc: ['body', 'pk_columns'], msg: 'Input should be a valid list', input: 'id' },
        {
          type: 'enum',
          loc: ['body', 'algorithm'],
          msg: "Input should be 'join', 'hash', 'hash_v2_alpha' or 'fetch_and_join'",
          input: 'fast',
          ctx: { expected: "'join', 'hash', 'hash_v2_alpha' or 'fetch_and_join'" },
        },
      ],
    ],
    [
      'a file_type no option shape has',
      'create_datadiff',
      'POST',
      DIFFS,
      {
        data_source1_id: 1,
        data_source2_id: 2,
        pk_columns: ['id'],
        file1: 'x.csv',
        file1_options: { file_type: 'xml' },
      },
      [
        {
          type: 'union_tag_invalid',
          loc: ['body', 'file1_options'],
          msg: "Input tag 'xml' found using 'file_type' does not match any of the expected tags: 'csv', 'excel', 'parquet'",
          input: { file_type: 'xml' },
          ctx: { discriminator: "'file_type'", tag: 'xml', expected_tags: "'csv', 'excel', 'parquet'" },
        },
      ],
    ],
    [
      'an unknown data source',
      'create_datadiff',
      'POST',
      DIFFS,
      { data_source1_id: 99, data_source2_id: 2, pk_columns: ['id'], table1: ['T'], table2: ['T'] },
      [
        {
          type: 'value_error',
          loc: ['body', 'data_source1_id'],
          msg: 'Value error, Data source 99 does not exist',
          input: 99,
          ctx: { error: {} },
        },
      ],
    ],
    [
      'a file outside the data directory',
      'create_datadiff',
      'POST',
      DIFFS,
      {
        data_source1_id: 1,
        data_source2_id: 2,
        pk_columns: ['id'],
        file1: '../../etc/passwd',
        table2: ['T'],
      },
      [
        {
          type: 'value_error',
          loc: ['body', 'file1'],
          msg: 'Value error, file1 must be a file:// URI or path under the data directory',
          input: '../../etc/passwd',
          ctx: { error: {} },
        },
      ],
    ],
  ])('answers 422 for %s', async (_n, op, method, url, payload, detail) => {
    const res = await call(app, op, method as 'GET', url, payload);
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ detail });
  });

  it('lists all 50 sort names in the order_by error, and rejects a date filter that is not a date', async () => {
    const res = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?order_by=speed`);
    expect(res.statusCode).toBe(422);
    expect(res.json.detail[0].msg).toBe(
      `Input should be ${ORDER_BY.slice(0, -1)
        .map((n) => `'${n}'`)
        .join(', ')} or 'kind'`,
    );
    const date = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?created_at=yesterday`);
    expect(date.statusCode).toBe(422);
    expect(date.json.detail[0]).toMatchObject({
      type: 'value_error',
      loc: ['query', 'created_at'],
      input: 'yesterday',
    });
  });

  it('answers an unknown id with an RFC 7807 404, and unknown routes and methods as Starlette does', async () => {
    const missing = await call(app, 'get_datadiff', 'GET', `${DIFFS}/999999`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json).toMatchObject({
      type: '/errors/not-found',
      status: 404,
      detail: 'Data diff with id=999999 does not exist',
    });
    const route = await app.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect([route.statusCode, JSON.parse(route.body)]).toEqual([404, { detail: 'Not Found' }]);
    const method = await app.app.inject({ method: 'DELETE', url: `${DIFFS}/1` });
    expect([method.statusCode, JSON.parse(method.body)]).toEqual([405, { detail: 'Method Not Allowed' }]);
  });

  it('requires a configured key as `Authorization: Key <key>`, and only then', async () => {
    const locked = await build('', { datafoldKeys: ['s3cret'] });
    try {
      const none = await call(locked, 'list_datadiffs', 'GET', DIFFS);
      expect(none.statusCode).toBe(401);
      expect(none.json).toMatchObject({ type: '/errors/unauthorized', status: 401 });
      const wrong = await call(locked, 'list_datadiffs', 'GET', DIFFS, undefined, {
        authorization: 'Key nope',
      });
      expect(wrong.statusCode).toBe(401);
      const right = await call(locked, 'list_datadiffs', 'GET', DIFFS, undefined, {
        authorization: 'Key s3cret',
      });
      expect(right.statusCode).toBe(200);
      const oxen = await locked.app.inject({ method: 'GET', url: '/_mock/health' });
      expect(oxen.statusCode).toBe(200);
    } finally {
      await locked.app.close();
    }
  });
});
