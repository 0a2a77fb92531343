import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from '../src/index.js';

// The programmatic API, over real HTTP on free ports: two servers in one process share nothing.
let a: MockServer;
let b: MockServer;
beforeAll(async () => {
  [a, b] = await Promise.all([startMockServer(), startMockServer({ data: '' })]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

const get = async (server: MockServer, path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, json: (await res.json()) as any };
};

describe('startMockServer', () => {
  it('collects the garbage of compiling its validators once they are compiled, when gc is exposed', async () => {
    // As under npm start and in the Docker image, which run Node with --expose-gc.
    const saved = globalThis.gc;
    const collect = vi.fn();
    globalThis.gc = collect as unknown as typeof globalThis.gc;
    const server = await startMockServer({ data: '' });
    try {
      await vi.waitFor(() => expect(collect).toHaveBeenCalled(), { timeout: 20_000, interval: 50 });
    } finally {
      globalThis.gc = saved;
      await server.close();
    }
  });

  it('starts independent servers on free ports, each with its own data', async () => {
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    expect((await get(a, '/api/v1/datadiffs')).json.count).toBe(60);
    expect((await get(b, '/api/v1/datadiffs')).json.count).toBe(0);
  });

  it('creates repositories, data sources and diffs, and journals the API requests', async () => {
    const repo = await b.oxen.createRepo({
      namespace: 't',
      name: 'r',
      commits: [
        { ref: 'one', files: { 'a.txt': 'x\n' } },
        { ref: 'two', branch: 'dev', files: { 'a.txt': 'y\n' } },
      ],
    });
    expect(Object.keys(repo.commits)).toHaveLength(2);
    const entries = await get(b, '/api/repos/t/r/compare/entries/main..dev');
    expect(entries.json.compare.counts).toEqual({ added: 0, removed: 0, modified: 1 });
    expect(b.datafold.addDataSource({ id: 3, name: 'w', tables: { T: { csv: 'id\n1\n' } } }).tables).toEqual([
      'T',
    ]);
    const [id] = b.datafold.seedDiffs([{ data_source1_id: 3, data_source2_id: 3, pk_columns: ['id'] }]);
    expect((await get(b, `/api/v1/datadiffs/${id}`)).json.kind).toBe('in_db');
    expect(b.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /api/v1/datadiffs 200',
      'GET /api/repos/t/r/compare/entries/main..dev 200',
      `GET /api/v1/datadiffs/${id} 200`,
    ]);
    expect(b.requests({ path: '/api/repos/**' })).toHaveLength(1);
    expect(b.requests({ method: 'post' })).toHaveLength(0);
    expect(a.requests().every((r) => !r.path.startsWith('/api/repos/t/'))).toBe(true);
  });

  it('resets to the fixtures and an empty journal', async () => {
    await b.reset();
    expect(b.requests()).toEqual([]);
    expect((await get(b, '/api/repos/t/r/compare/entries/main..dev')).status).toBe(404);
  });

  it('is what the package exports', async () => {
    const pkg = await import('diffmock');
    expect(typeof pkg.startMockServer).toBe('function');
  });
});
