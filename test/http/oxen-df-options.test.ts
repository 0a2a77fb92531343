import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { build, call } from '../helpers/app.js';

// Derived-frame DF options (reference §6.7 step 3), checked against the same transforms applied in
// plain JavaScript to the unfiltered frame.
let app: App;
let all: Array<Record<string, any>>;
const FRAMES = '/api/repos/test/opts/compare/data_frames';
const DIFF = `${FRAMES}/c/diff`;

beforeAll(async () => {
  app = await build('');
  const left = ['id,name,score,ok'];
  const right = ['id,name,score,ok'];
  for (let i = 0; i < 40; i++) {
    if (i % 5 !== 0) left.push(`${i},n${i % 7},${(i * 37) % 11},${i % 2 === 0}`);
    if (i % 6 !== 0) right.push(`${i},n${i % 7},${((i * 37) % 11) + (i % 3 === 0 ? 1 : 0)},${i % 2 === 0}`);
  }
  const created = await app.app.inject({
    method: 'POST',
    url: '/_mock/oxen/repos',
    payload: {
      namespace: 'test',
      name: 'opts',
      commits: [
        { files: { 't.csv': left.join('\n') } },
        { branch: 'b', files: { 't.csv': right.join('\n') } },
      ],
    },
  });
  expect(created.statusCode).toBe(201);
  const res = await call(app, 'create_df_diff', 'POST', FRAMES, {
    compare_id: 'c',
    left: { path: 't.csv', version: 'main' },
    right: { path: 't.csv', version: 'b' },
    keys: [{ left: 'id', right: 'id' }],
    compare: [{ left: 'score', right: 'score' }],
    display: [],
  });
  expect(res.statusCode).toBe(200);
  all = (await call(app, 'get_derived_df', 'GET', `${DIFF}?page_size=1000`)).json.data_frame.view.data;
  expect(all.length).toBeGreaterThan(10);
});
afterAll(() => app.app.close());

const view = async (query: string) => {
  const res = await call(app, 'get_derived_df', 'GET', `${DIFF}?${query}`);
  expect(res.statusCode).toBe(200);
  return res.json.data_frame.view;
};
const byScore = (a: any, b: any) => (a['score.right'] ?? -1) - (b['score.right'] ?? -1);

describe('derived-frame DF options', () => {
  it('filters with ==, != and > chained by && and ||, typed by the column dtype', async () => {
    const v = await view(
      `filter=${encodeURIComponent('_oxen_diff_status == modified || id > 30 && id != 35')}`,
    );
    const expected = all.filter((r) => (r._oxen_diff_status === 'modified' || r.id > 30) && r.id !== 35);
    expect(v.data).toEqual(expected);
    expect(v.size).toEqual({ height: expected.length, width: 4 });
    expect(v.pagination.total_entries).toBe(expected.length);
    expect(v.opts[2]).toEqual({
      name: 'filter',
      value: '_oxen_diff_status == modified || id > 30 && id != 35',
    });
  });

  it('sorts by a column (nulls first, stable), reverses, and pages the result', async () => {
    const sorted = [...all].sort(byScore);
    const v = await view('sort_by=score.right&page_size=5&page=2');
    expect(v.data).toEqual(sorted.slice(5, 10));
    const reversed = await view('sort_by=score.right&reverse=true&page_size=1000');
    expect(reversed.data).toEqual([...sorted].reverse());
    expect(reversed.opts.find((o: any) => o.name === 'should_reverse').value).toBe(true);
  });

  it('selects columns in the order asked, with a matching view schema and source left whole', async () => {
    const res = await call(app, 'get_derived_df', 'GET', `${DIFF}?columns=_oxen_diff_status,id`);
    const { source, view: v } = res.json.data_frame;
    expect(v.data[0]).toEqual({ _oxen_diff_status: all[0]!._oxen_diff_status, id: all[0]!.id });
    expect(Object.keys(v.data[0])).toEqual(['_oxen_diff_status', 'id']);
    expect(v.schema.fields.map((f: any) => f.name)).toEqual(['_oxen_diff_status', 'id']);
    expect(source.size.width).toBe(4);
  });

  it('takes rows by position, then slices, then pages', async () => {
    const taken = await view('take=3,0,2');
    expect(taken.data).toEqual([all[3], all[0], all[2]]);
    const sliced = await view('slice=2..6&page_size=3&page=2');
    expect(sliced.data).toEqual(all.slice(5, 6));
    expect(sliced.size.height).toBe(4);
    const row = await view('row=4');
    expect(row.data).toEqual([all[4]]);
  });

  it.each([
    ['an unknown sort column', 'sort_by=nope', 400],
    ['an unknown filter column', `filter=${encodeURIComponent('nope == 1')}`, 400],
    ['a filter value of the wrong type', `filter=${encodeURIComponent('id == x')}`, 400],
    ['an unknown selected column', 'columns=id,nope', 400],
    ['a take that is not a list of indices', 'take=a,1', 400],
    ['a malformed slice', 'slice=5..2', 400],
    ['sql, which needs DuckDB', 'sql=select%201', 400],
  ])('rejects %s with a 400 bad_request naming it', async (_name, query, status) => {
    const res = await call(app, 'get_derived_df', 'GET', `${DIFF}?${query}`);
    expect(res.statusCode).toBe(status);
    expect(res.json.status_message).toBe('bad_request');
    expect(res.json.error.title).toBe('Invalid data frame options');
  });

  it('ignores a filter it cannot parse, as liboxen does, and reads booleans strictly', async () => {
    const v = await view('filter=justtext');
    expect(v.data).toEqual(all.slice(0, 100));
    const bad = await app.app.inject({ method: 'GET', url: `${DIFF}?reverse=yes` });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toBe('Query deserialize error: provided string was not `true` or `false`');
  });
});
