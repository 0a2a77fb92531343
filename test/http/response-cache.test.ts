import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ResponseCache } from '../../src/http/response-cache.js';
import { build, call } from '../helpers/app.js';

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
