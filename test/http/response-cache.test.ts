import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ResponseCache } from '../../src/http/response-cache.js';
import { COMPARE, LABELS_COMPARE, build, call } from '../helpers/app.js';

describe('the response cache', () => {
  it('keeps an answer only if nothing changed while it was computed, and holds a bounded number', () => {
    const cache = new ResponseCache(2, 10);
    const before = cache.current;
    cache.invalidate(); // a write landed while the answer was being computed
    cache.set('/a', before, 'stale');
    expect(cache.get('/a')).toBeUndefined();
    cache.set('/a', cache.current, 'A');
    cache.set('/b', cache.current, 'B');
    cache.set('/c', cache.current, 'C');
    const text = (url: string) => cache.get(url)?.toString();
    expect([text('/a'), text('/b'), text('/c')]).toEqual([undefined, 'B', 'C']);
    cache.set('/big', cache.current, 'x'.repeat(11));
    expect(cache.get('/big')).toBeUndefined();
  });
});

describe('cached Oxen answers', () => {
  let app: App;
  beforeAll(async () => {
    app = await build('');
  });
  afterAll(() => app.app.close());

  const repo = (text: string) =>
    app.app.inject({
      method: 'POST',
      url: '/_mock/oxen/repos',
      payload: {
        namespace: 'c',
        name: 'r',
        commits: [{ files: { 'a.txt': 'a\n' } }, { branch: 'b', files: { 'a.txt': text } }],
      },
    });

  it('answer the same until a write, then the new state', async () => {
    await repo('one\n');
    const url = '/api/repos/c/r/compare/file/main..b/a.txt';
    const first = await call(app, 'file_real', 'GET', url);
    expect((await call(app, 'file_real', 'GET', url)).body).toBe(first.body);
    expect(first.json.compare.diff.lines.map((l: any) => l.text)).toContain('one');
    await repo('two\n');
    const second = await call(app, 'file_real', 'GET', url);
    expect(second.json.compare.diff.lines.map((l: any) => l.text)).toContain('two');
    await app.app.inject({ method: 'DELETE', url: '/_mock/oxen/repos/c/r' });
    expect((await call(app, 'file_real', 'GET', url)).statusCode).toBe(404);
  });
});

describe('a cached answer (sent by the route handler in its own turn)', () => {
  let app: App;
  beforeAll(async () => {
    app = await build();
    await call(app, 'create_df_diff', 'POST', `${COMPARE}/data_frames`, LABELS_COMPARE);
  });
  afterAll(() => app.app.close());

  it.each([
    ['entries_real', `${COMPARE}/entries/main..feature/add-labels`],
    ['entries', `${COMPARE}/main..feature/add-labels/entries`],
    ['file_real', `${COMPARE}/file/main..feature/add-labels/data/train/labels.csv`],
    ['get_derived_df', `${COMPARE}/data_frames/labels/diff?page=1&page_size=10`],
  ])('%s: has the status, headers and bytes of the answer first computed', async (operationId, url) => {
    const computed = await call(app, operationId, 'GET', url);
    const headers = (res: typeof computed) => {
      const { date: _date, ...rest } = res.headers;
      return rest;
    };
    expect(computed.statusCode).toBe(200);
    for (let again = 0; again < 2; again++) {
      const cached = await call(app, operationId, 'GET', url);
      expect([cached.statusCode, headers(cached), cached.body]).toEqual([
        computed.statusCode,
        headers(computed),
        computed.body,
      ]);
    }
  });
});
