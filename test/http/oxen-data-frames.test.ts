import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { build, call, LARGE_COMPARE, LARGE_FRAMES } from '../helpers/app.js';

let app: App;
let ids: Record<string, string>;
beforeAll(async () => {
  app = await build();
  // The reference's worked example (L/api/client/compare.rs), as three commits on two branches.
  const res = await app.app.inject({
    method: 'POST',
    url: '/_mock/oxen/repos',
    payload: {
      namespace: 'test',
      name: 'frames',
      commits: [
        { ref: 'c1', message: 'left', files: { 'left.csv': 'a,b,c,d\n1,2,3,4\n4,5,6,7\n9,0,1,2\n' } },
        { ref: 'c2', message: 'right', files: { 'right.csv': 'a,b,c,d\n1,2,3,4\n4,5,6,8\n0,1,9,2\n' } },
        {
          ref: 'c3',
          branch: 'feature/dupes',
          message: 'dupes',
          files: { 'right.csv': 'a,b,c,d,e\n1,2,3,4,x\n1,2,3,5,y\n' },
        },
      ],
    },
  });
  expect(res.statusCode).toBe(201);
  ids = JSON.parse(res.body).commits;
});
afterAll(() => app.app.close());

const FRAMES = '/api/repos/test/frames/compare/data_frames';
const body = (over: Record<string, unknown> = {}) => ({
  compare_id: 'cmp1',
  left: { path: 'left.csv', version: 'main' },
  right: { path: 'right.csv', version: 'main' },
  keys: ['a', 'b', 'c'].map((k) => ({ left: k, right: k, alias_as: null, compare_method: null })),
  compare: [{ left: 'd', right: 'd', compare_method: null }],
  display: [],
  ...over,
});

describe('data-frame compares', () => {
  it('computes the worked example: added, modified, removed, sorted by key', async () => {
    const created = await call(app, 'create_df_diff', 'POST', FRAMES, body());
    expect(created.statusCode).toBe(200);
    expect(Object.keys(created.json)).toEqual([
      'dfs',
      'status',
      'status_message',
      'oxen_version',
      'messages',
    ]);
    expect(created.json.dfs.summary.modifications).toEqual({
      added_rows: 1,
      removed_rows: 1,
      modified_rows: 1,
    });
    expect(created.json.messages[0].title).toBe('Duplicate keys');
    expect(created.json.dfs.targets).toEqual([{ left: 'd', right: 'd', compare_method: null }]);
    const derived = await call(app, 'get_derived_df', 'GET', `${FRAMES}/cmp1/diff`);
    expect(derived.json.data_frame.view.data).toEqual([
      { a: 0, b: 1, c: 9, 'd.left': null, 'd.right': 2, _oxen_diff_status: 'added' },
      { a: 4, b: 5, c: 6, 'd.left': 7, 'd.right': 8, _oxen_diff_status: 'modified' },
      { a: 9, b: 0, c: 1, 'd.left': 2, 'd.right': null, _oxen_diff_status: 'removed' },
    ]);
    expect(derived.json.data_frame.source.size).toEqual({ height: 3, width: 6 });
    expect(derived.json.derived_resource).toEqual({
      resource_id: 'cmp1',
      path: '/compare/data_frames/cmp1/diff',
      resource_type: 'compare',
    });
    const real = await call(app, 'get_derived_df_real', 'GET', `${FRAMES}/cmp1/diff/main..main`);
    expect(real.body).toBe(derived.body);
  });

  it('pages the stored frame; page 0 and page_size 0 clamp to 1 like newer servers', async () => {
    await call(app, 'create_df_diff', 'POST', FRAMES, body());
    const page2 = await call(app, 'get_derived_df', 'GET', `${FRAMES}/cmp1/diff?page=2&page_size=2`);
    expect(page2.json.data_frame.view.data.map((r: any) => r._oxen_diff_status)).toEqual(['removed']);
    expect(page2.json.data_frame.view.pagination).toEqual({
      page_size: 2,
      page_number: 2,
      total_pages: 2,
      total_entries: 3,
    });
    const zero = await call(app, 'get_derived_df', 'GET', `${FRAMES}/cmp1/diff?page=0&page_size=0`);
    expect(zero.json.data_frame.view.pagination).toEqual({
      page_size: 1,
      page_number: 1,
      total_pages: 3,
      total_entries: 3,
    });
  });

  it('defaults keys to the common columns and targets to added/removed ones', async () => {
    const res = await call(
      app,
      'create_df_diff',
      'POST',
      FRAMES,
      body({
        compare_id: 'dflt',
        keys: [],
        compare: [],
        right: { path: 'right.csv', version: 'feature/dupes' },
      }),
    );
    expect(res.json.dfs.keys.map((k: any) => k.left)).toEqual(['a', 'b', 'c', 'd']);
    expect(res.json.dfs.targets).toEqual([{ left: null, right: 'e', compare_method: null }]);
    expect(res.json.dfs.schema_diff.added_cols).toEqual([{ name: 'e', key: 'e.added', dtype: 'str' }]);
  });

  it('counts duplicate keys and warns on update only when there are some', async () => {
    const dupes = body({
      compare_id: 'dupes',
      keys: [{ left: 'a', right: 'a' }],
      compare: [],
      right: { path: 'right.csv', version: 'feature/dupes' },
    });
    const created = await call(app, 'create_df_diff', 'POST', FRAMES, dupes);
    expect(created.json.dfs.dupes).toEqual({ left: 0, right: 2 });
    const updated = await call(app, 'update_df_diff', 'PUT', `${FRAMES}/cmp1`, body());
    expect(updated.json.messages).toEqual([]);
  });

  it('deletes idempotently, after which the frame is gone', async () => {
    await call(app, 'create_df_diff', 'POST', FRAMES, body({ compare_id: 'gone' }));
    const del = await call(app, 'delete_df_diff', 'DELETE', `${FRAMES}/gone`);
    expect(del.json).toEqual({
      status: 'success',
      status_message: 'resource_deleted',
      oxen_version: '0.50.0',
    });
    expect((await call(app, 'delete_df_diff', 'DELETE', `${FRAMES}/gone`)).statusCode).toBe(200);
    expect((await call(app, 'get_derived_df', 'GET', `${FRAMES}/gone/diff`)).statusCode).toBe(404);
  });

  it.each<[string, unknown, number, unknown]>([
    [
      'a body that is not JSON',
      'not json',
      400,
      { status: 'error', status_message: 'expected value at line 1 column 1', oxen_version: '0.50.0' },
    ],
    [
      'an empty object',
      '{}',
      400,
      {
        status: 'error',
        status_message: 'missing field `compare_id` at line 1 column 2',
        oxen_version: '0.50.0',
      },
    ],
    [
      'a number for compare_id',
      '{"compare_id":5}',
      400,
      {
        status: 'error',
        status_message: 'invalid type: integer `5`, expected a string at line 1 column 15',
        oxen_version: '0.50.0',
      },
    ],
    [
      'a key that is only on one side',
      body({ keys: [{ left: 'zzz', right: 'zzz' }] }),
      400,
      {
        error: {
          type: 'schema_error',
          title: 'Incompatible Schemas',
          detail: 'Schema does not match. Valid Fields [a: i64, b: i64, c: i64, d: i64]',
        },
        status: 'error',
        status_message: 'bad_request',
      },
    ],
    [
      'targets without keys',
      body({ keys: [] }),
      400, // 0.50.0: 500 OxenError::Basic
      {
        error: {
          type: 'bad_request',
          title: 'Bad Request',
          detail: 'Must specify at least one key column if specifying target columns.',
        },
        status: 'error',
        status_message: 'bad_request',
      },
    ],
    [
      'an unknown revision',
      body({ left: { path: 'left.csv', version: 'nope' } }),
      404,
      {
        error: {
          type: 'resource_not_found',
          title: 'Revision not found',
          detail: 'Could not find branch or commit: nope',
        },
        status: 'error',
        status_message: 'resource_not_found',
      },
    ],
  ])('rejects %s', async (_name, payload, status, expected) => {
    const res = await call(app, 'create_df_diff', 'POST', FRAMES, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json).toEqual(expected);
  });

  it('names the missing file with its commit', async () => {
    const res = await call(
      app,
      'create_df_diff',
      'POST',
      FRAMES,
      body({ left: { path: 'right.csv', version: ids.c1 } }),
    );
    expect(res.statusCode).toBe(404);
    expect(res.json.error.detail).toBe(`Could not find path: right.csv@${ids.c1} -> 'left'`);
  });

  it('answers the cached-compare POST with 400 bad_request, as 0.50.0 always does', async () => {
    const res = await call(app, 'get_df_diff', 'POST', `${FRAMES}/cmp1`, body());
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ status: 'error', status_message: 'bad_request', oxen_version: '0.50.0' });
  });
});

describe('a 100,000-row compare', () => {
  it('matches an independent count of the generated tables, and any page reads the stored rows', async () => {
    const folder = `${BUNDLED_DATA}/oxen/ox/large-table`;
    const load = (name: string) =>
      new Map(
        readFileSync(`${folder}/${name}`, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => [line.slice(0, line.indexOf(',')), line]),
      );
    const before = load('rows-v1.csv');
    const after = load('rows-v2.csv');
    let added = 0;
    let removed = 0;
    let modified = 0;
    for (const [id, line] of after)
      if (!before.has(id)) added++;
      else if (before.get(id) !== line) modified++;
    for (const id of before.keys()) if (!after.has(id)) removed++;

    const res = await call(app, 'create_df_diff', 'POST', LARGE_FRAMES, LARGE_COMPARE);
    expect(res.json.dfs.summary.modifications).toEqual({
      added_rows: added,
      removed_rows: removed,
      modified_rows: modified,
    });
    const last = await call(
      app,
      'get_derived_df',
      'GET',
      `${LARGE_FRAMES}/big/diff?page=${Math.ceil((added + removed + modified) / 100)}`,
    );
    expect(last.json.data_frame.view.pagination.total_entries).toBe(added + removed + modified);
    expect(last.json.data_frame.view.data.length).toBeGreaterThan(0);
  });
});
