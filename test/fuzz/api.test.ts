import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSpecOnce, datafoldSpecOnce, oxenSpecOnce, type App } from '../../src/app.js';
import type { Spec } from '../../src/spec/openapi.js';
import { build } from '../helpers/app.js';
import { body, hostileString, queryValue } from './arbitraries.js';

// Spec-driven fuzzing of every operation of the three documents, Schemathesis-style: generated path,
// query and body inputs, valid and not. The app runs with strict response validation, so an answer
// outside the spec comes back as a 500 and fails the "no 5xx" check too. Seeded and bounded here;
// `npm run fuzz` runs the same with FUZZ_RUNS=500 (FUZZ_SEED picks another seed).
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

type Json = Record<string, any>;
let app: App;
beforeAll(async () => {
  app = await build(undefined, { jobTimeoutMs: 5_000, pollMs: 50 });
  const created = await app.app.inject({
    method: 'POST',
    url: '/api/repos/ox/compare-datasets/compare/data_frames',
    payload: {
      compare_id: 'fz',
      left: { path: 'data/train/labels.csv', version: 'main' },
      right: { path: 'data/train/labels.csv', version: 'feature/add-labels' },
      keys: [{ left: 'id', right: 'id' }],
      compare: [],
      display: [],
    },
  });
  expect(created.statusCode).toBe(200);
});
afterAll(() => app.app.close());

/** Path parameters: mostly names that exist in the fixtures (to get past the 404s), else hostile. */
const KNOWN: Record<string, string[]> = {
  namespace: ['ox'],
  repo_name: ['compare-datasets'],
  compare_id: ['fz'],
  base_head: ['main..feature/add-labels', 'main..main', 'feature/add-labels..main', 'main', 'main...x'],
  base_head_path: [
    'main..feature/add-labels',
    'main..feature/add-labels/data/train/labels.csv',
    'main..feature/add-labels/README.md',
    'main..main/models/weights.bin',
    'main..feature/add-labels/data/test/images/cat.png',
    'main..nope/x',
  ],
  resource: ['data/train/labels.csv', 'README.md', 'notes/encoding/latin1.txt', 'data', 'nope.txt'],
  dir: ['data', 'data/train', 'nope'],
  path: ['data/train/labels.csv', 'nope.csv'],
  datadiff_id: ['100', '130', '159', '0', '-1', '99999999999999999999'],
};
const SLASHED = new Set(['base_head_path', 'resource', 'dir', 'path']);

function pathValue(name: string): fc.Arbitrary<string> {
  const encode = (v: string) =>
    SLASHED.has(name) ? v.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(v);
  const known = KNOWN[name] ?? ['x'];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known).map(encode) },
    { weight: 2, arbitrary: hostileString.map(encode) },
    // Sent as they are, undecoded: stray `%`, `..` segments, quotes.
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '..', '../..', "a'b", '%c3%28', '%2F') },
  );
}

interface Case {
  method: string;
  url: string;
  payload?: string;
  contentType?: string;
}

function requestFor(spec: Spec, operationId: string): fc.Arbitrary<Case> {
  const op = spec.operations.get(operationId)!;
  const document = spec.document as Json;
  const declared = document.paths[op.path][op.method.toLowerCase()] as Json;
  const params = (declared.parameters ?? []) as Json[];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = declared.requestBody?.content?.['application/json']?.schema as Json | undefined;
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => pathValue(p.name)), fc.constant('')),
      query: fc.tuple(
        ...queryParams.map((p) => fc.option(queryValue(p.schema ?? {}, document), { nil: undefined })),
        fc.constant(undefined),
      ),
      payload: bodySchema ? body(bodySchema, document) : fc.constant(undefined),
      json: fc.boolean(),
    })
    .map(({ path, query, payload, json }) => {
      let url = op.path;
      pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, path[i]!)));
      const search = queryParams
        .map((p, i) => (query[i] === undefined ? null : `${p.name}=${encodeURIComponent(query[i]!)}`))
        .filter((q) => q !== null)
        .join('&');
      return {
        method: op.method,
        url: search ? `${url}?${search}` : url,
        payload,
        contentType: payload === undefined ? undefined : json ? 'application/json' : 'text/plain',
      };
    });
}

/** The vendor's error format, by the API that owns the path once `..` segments are resolved (as
 * every HTTP client resolves them: `/api/v1/datadiffs/../..` is `/api/`, an Oxen path). */
function checkErrorBody(url: string, status: number, res: { body: string; headers: Json }): void {
  const path = new URL(url, 'http://mock').pathname;
  const api = path.startsWith('/_mock') ? 'admin' : path.startsWith('/api/v1/') ? 'datafold' : 'oxen';
  const type = String(res.headers['content-type'] ?? '');
  if (api === 'oxen') {
    if (status === 401) return expect(res.body).toBe('');
    if (type.startsWith('text/plain')) return expect(res.body).toMatch(/^Query deserialize error: /);
    const parsed = JSON.parse(res.body) as Json;
    expect(parsed.status).toBe('error');
    expect(typeof parsed.status_message).toBe('string');
  } else if (api === 'datafold') {
    const parsed = JSON.parse(res.body) as Json;
    expect('detail' in parsed || 'title' in parsed).toBe(true);
  } else {
    expect(typeof (JSON.parse(res.body) as Json).error).toBe('string');
  }
}

const SPECS: Array<[string, () => Spec]> = [
  ['oxen', oxenSpecOnce],
  ['datafold', datafoldSpecOnce],
  ['admin', adminSpecOnce],
];
// Admin calls that would change what later runs see (reset, deletes) are left to the stateful tests.
const SKIPPED = new Set([
  'adminReset',
  'adminDeleteRepo',
  'adminClearRequests',
  'adminClearFaults',
  'adminAddFault',
]);

describe.each(SPECS)('fuzzing the %s API', (_api, specOnce) => {
  const ids = [...specOnce().operations.keys()].filter((id) => !SKIPPED.has(id));
  it.each(ids)('%s: no 5xx, answers in the spec, errors in the vendor format', async (operationId) => {
    await fc.assert(
      fc.asyncProperty(requestFor(specOnce(), operationId), async (c) => {
        const res = await app.app.inject({
          method: c.method as 'GET',
          url: c.url,
          ...(c.payload !== undefined && { payload: c.payload, headers: { 'content-type': c.contentType! } }),
        });
        const where = `${c.method} ${c.url} ${c.payload ?? ''} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, where).toBeLessThan(500);
        if (res.statusCode >= 400) checkErrorBody(c.url, res.statusCode, res);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('undeclared methods', () => {
  it('get the vendor answer: oxen-server 404, Starlette 405 with its detail', async () => {
    for (const [api, specOnce] of SPECS.slice(0, 2)) {
      const paths = (specOnce().document as Json).paths as Record<string, Json>;
      for (const [template, item] of Object.entries(paths)) {
        const url = template.replace(/\{[^}]+\}/g, (m) => (m === '{datadiff_id}' ? '100' : 'x'));
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
          if (item[method.toLowerCase()]) continue;
          const res = await app.app.inject({ method, url });
          expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
          if (api === 'datafold' && res.statusCode === 405)
            expect(JSON.parse(res.body)).toEqual({ detail: 'Method Not Allowed' });
          if (api === 'oxen') expect(res.statusCode, `${method} ${url}`).toBe(404);
        }
      }
    }
  });
});
