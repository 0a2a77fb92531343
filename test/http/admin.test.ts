import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { build, call, COMPARE } from '../helpers/app.js';

let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

const post = (payload: unknown) =>
  app.app.inject({ method: 'POST', url: '/_mock/oxen/repos', payload: payload as object });

describe('admin API', () => {
  it('answers health', async () => {
    const res = await app.app.inject('/_mock/health');
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it.each<[string, unknown, string]>([
    ['no namespace', { name: 'x', commits: [{}] }, 'namespace'],
    ['no commits', { namespace: 'a', name: 'x', commits: [] }, 'commits'],
    [
      'a bad parent',
      { namespace: 'a', name: 'x', commits: [{ parents: ['nope'] }] },
      'commits[0].parents[0]',
    ],
    [
      'a traversal path',
      { namespace: 'a', name: 'x', commits: [{ files: { '../x.txt': 'hi' } }] },
      'commits[0].files',
    ],
    [
      'a bad content',
      { namespace: 'a', name: 'x', commits: [{ files: { 'x.txt': 5 } }] },
      'commits[0].files["x.txt"]',
    ],
    [
      'deleting a missing file',
      { namespace: 'a', name: 'x', commits: [{ delete: ['x.txt'] }] },
      'commits[0].delete[0]',
    ],
    [
      'a bad timestamp',
      { namespace: 'a', name: 'x', commits: [{ timestamp: 'yesterday' }] },
      'commits[0].timestamp',
    ],
  ])('rejects a document with %s, naming the field', async (_name, doc, field) => {
    const res = await post(doc);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.startsWith(`${field}:`)).toBe(true);
  });

  it('creates a repository with branches and refs, replaces it, and deletes it', async () => {
    const doc = {
      namespace: 'me',
      name: 'r',
      commits: [
        {
          ref: 'one',
          files: {
            'a.txt': 'a\n',
            'bin.dat': { base64: Buffer.from([0, 159, 146, 150]).toString('base64') },
          },
        },
        { ref: 'two', branch: 'dev/x', files: { 'a.txt': 'b\n' } },
      ],
    };
    const created = await post(doc);
    expect(created.statusCode).toBe(201);
    const answer = JSON.parse(created.body);
    expect(answer.branches['dev/x']).toBe(answer.commits.two);
    expect(answer.branches.main).toBe(answer.commits.one);
    expect(answer.commits.one).toMatch(/^[0-9a-f]{32}$/);
    // Deterministic: the same document gives the same ids.
    expect(JSON.parse((await post(doc)).body)).toEqual(answer);
    const diff = await call(
      app,
      'file_real',
      'GET',
      `/api/repos/me/r/compare/file/${answer.commits.one}..dev/x/a.txt`,
    );
    // The only common line is "", which the difference crate's joined-string round trip loses.
    expect(diff.json.compare.diff.lines).toEqual([
      { modification: 'Removed', text: 'a' },
      { modification: 'Removed', text: '' },
      { modification: 'Added', text: 'b' },
      { modification: 'Added', text: '' },
    ]);
    expect((await app.app.inject({ method: 'DELETE', url: '/_mock/oxen/repos/me/r' })).statusCode).toBe(204);
    expect(
      (await call(app, 'entries_real', 'GET', '/api/repos/me/r/compare/entries/main..main')).statusCode,
    ).toBe(404);
    expect((await app.app.inject({ method: 'DELETE', url: '/_mock/oxen/repos/me/r' })).statusCode).toBe(404);
  });

  it('reset restores the bundled fixtures', async () => {
    await app.app.inject({ method: 'DELETE', url: '/_mock/oxen/repos/ox/compare-datasets' });
    expect((await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..main`)).statusCode).toBe(404);
    expect((await app.app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode).toBe(200);
    expect((await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..main`)).statusCode).toBe(200);
  });

  it('starts with no repositories from an empty data folder', async () => {
    const empty = await build(mkdtempSync(`${tmpdir()}/diffmock-empty-`));
    expect((await call(empty, 'entries_real', 'GET', `${COMPARE}/entries/main..main`)).statusCode).toBe(404);
    await empty.app.close();
  });

  it.each([
    ['a missing name', { id: 3, tables: {} }, 'name must be a non-empty string'],
    [
      'a table without data',
      { id: 3, name: 'w', tables: { T: {} } },
      'tables["T"] must have "csv", "path" or "sqlite"',
    ],
    [
      'a CSV with a repeated column',
      { id: 3, name: 'w', tables: { T: { csv: 'a,a\n1,2\n' } } },
      "column with name 'a'",
    ],
    [
      'a path outside data/datafold',
      { id: 3, name: 'w', tables: { T: { path: '../../package.json' } } },
      'no file',
    ],
  ])('refuses a data source document with %s', async (_n, doc, message) => {
    const res = await app.app.inject({ method: 'POST', url: '/_mock/datafold/data_sources', payload: doc });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toContain(message);
  });

  it('registers data sources and seeds historical records that the list then shows', async () => {
    const created = await app.app.inject({
      method: 'POST',
      url: '/_mock/datafold/data_sources',
      payload: {
        id: 7,
        name: 'warehouse',
        tables: {
          'DB.SCHEMA.ORDERS': { csv: 'id,v\n1,2\n' },
          'DB.SCHEMA.CUSTOMERS': { path: 'production/customers.csv' },
          'DB.DEV.ORDERS': { sqlite: 'development/warehouse.sqlite', table: 'orders' },
        },
      },
    });
    expect([created.statusCode, JSON.parse(created.body)]).toEqual([
      201,
      { id: 7, name: 'warehouse', tables: ['DB.SCHEMA.ORDERS', 'DB.SCHEMA.CUSTOMERS', 'DB.DEV.ORDERS'] },
    ]);
    const sources = await app.app.inject({ method: 'GET', url: '/_mock/datafold/data_sources' });
    expect(JSON.parse(sources.body).map((s: any) => s.id)).toEqual([1, 2, 7]);
    expect(JSON.parse(sources.body)[2].tables).toEqual([
      'DB.DEV.ORDERS',
      'DB.SCHEMA.CUSTOMERS',
      'DB.SCHEMA.ORDERS',
    ]);
    const seeded = await app.app.inject({
      method: 'POST',
      url: '/_mock/datafold/datadiffs',
      payload: [
        {
          data_source1_id: 7,
          data_source2_id: 7,
          pk_columns: ['id'],
          created_at: '2025-01-02T03:04:05Z',
          result: 'identical',
        },
        {
          id: 5000,
          data_source1_id: 7,
          data_source2_id: 1,
          pk_columns: ['id'],
          status: 'failed',
          result: 'error',
        },
      ],
    });
    expect(seeded.statusCode).toBe(201);
    const [first, second] = JSON.parse(seeded.body).ids;
    expect(second).toBe(5000);
    const got = await call(app, 'get_datadiff', 'GET', `/api/v1/datadiffs/${first}`);
    expect(got.json).toMatchObject({
      created_at: '2025-01-02T03:04:05.000000+00:00',
      kind: 'in_db',
      status: 'done',
    });
    const listed = await call(app, 'list_datadiffs', 'GET', '/api/v1/datadiffs?created_at=2025-01-02');
    expect(listed.json.results.map((r: any) => r.id)).toEqual([first]);
    const bad = await app.app.inject({
      method: 'POST',
      url: '/_mock/datafold/datadiffs',
      payload: { data_source1_id: 1, data_source2_id: 1, pk_columns: ['id'], status: 'finished' },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toContain('status');
    await app.app.inject({ method: 'POST', url: '/_mock/reset' });
    expect((await call(app, 'get_datadiff', 'GET', '/api/v1/datadiffs/5000')).statusCode).toBe(404);
  });

  it('journals API requests, filters them by method and path glob, and clears them', async () => {
    await app.app.inject({ method: 'DELETE', url: '/_mock/requests' });
    await app.app.inject({ method: 'GET', url: '/api/v1/datadiffs?page_size=1' });
    await app.app.inject({ method: 'GET', url: `${COMPARE}/entries/main..main` });
    await app.app.inject({ method: 'GET', url: '/_mock/health' });
    const all = JSON.parse((await app.app.inject({ method: 'GET', url: '/_mock/requests' })).body).requests;
    expect(all.map((r: any) => [r.method, r.path, r.query, r.status])).toEqual([
      ['GET', '/api/v1/datadiffs', 'page_size=1', 200],
      ['GET', `${COMPARE}/entries/main..main`, '', 200],
    ]);
    const oxen = await app.app.inject({
      method: 'GET',
      url: '/_mock/requests?method=get&path=/api/repos/**',
    });
    expect(JSON.parse(oxen.body).requests).toHaveLength(1);
    expect((await app.app.inject({ method: 'DELETE', url: '/_mock/requests' })).statusCode).toBe(204);
    expect(
      JSON.parse((await app.app.inject({ method: 'GET', url: '/_mock/requests' })).body).requests,
    ).toEqual([]);
  });
});
