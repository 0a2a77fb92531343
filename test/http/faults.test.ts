import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startMockServer } from '../../src/index.js';
import { preferOf } from '../../src/services/faults.js';
import { build, call, COMPARE } from '../helpers/app.js';

// Faults from /_mock/faults rules and from Prefer headers, answered in each vendor's error format.
let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

const addFault = (rule: object) => app.app.inject({ method: 'POST', url: '/_mock/faults', payload: rule });

describe('fault rules', () => {
  it('answers the next matching requests with the status, in the vendor format, then lets them through', async () => {
    const added = await addFault({
      match: { method: 'get', path: '/api/v1/datadiffs' },
      status: 503,
      times: 1,
    });
    expect(added.statusCode).toBe(201);
    expect(JSON.parse(added.body)).toMatchObject({
      id: expect.any(Number),
      times: 1,
      match: { method: 'GET' },
    });
    const faulted = await app.app.inject({ method: 'GET', url: '/api/v1/datadiffs?page=2' });
    expect(faulted.statusCode).toBe(503);
    expect(faulted.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(faulted.body)).toMatchObject({ type: '/errors/service-unavailable', status: 503 });
    expect((await call(app, 'list_datadiffs', 'GET', '/api/v1/datadiffs')).statusCode).toBe(200);
  });

  it('gives Oxen paths oxen-server bodies, matched by glob, until the rules are cleared', async () => {
    await addFault({ match: { path: `${COMPARE}/entries/**` }, status: 404 });
    for (let i = 0; i < 2; i++) {
      const res = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..feature/add-labels`);
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual({
        status: 'error',
        status_message: 'resource_not_found',
        oxen_version: '0.50.0',
      });
    }
    expect(
      JSON.parse((await app.app.inject({ method: 'GET', url: '/_mock/faults' })).body).faults,
    ).toHaveLength(1);
    expect((await app.app.inject({ method: 'DELETE', url: '/_mock/faults' })).statusCode).toBe(204);
    expect((await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..main`)).statusCode).toBe(200);
  });

  it('delays a matching request', async () => {
    await addFault({ match: { path: '/api/v1/datadiffs/*' }, delay_ms: 120, times: 1 });
    const start = performance.now();
    expect((await call(app, 'get_datadiff', 'GET', '/api/v1/datadiffs/100')).statusCode).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(119);
  });

  it.each([
    [{}, 'match.path'],
    [{ match: { path: '/x' } }, 'give status, delay_ms or drop_connection'],
    [{ match: { path: '/x' }, status: 42 }, 'status'],
    // A 1xx answer is no final answer: the client would wait for one.
    [{ match: { path: '/x' }, status: 101 }, 'status must be an HTTP status code from 200 to 599'],
    [{ match: { path: '/x' }, status: 600 }, 'status'],
    [{ match: { path: '/x' }, delay_ms: 5, times: 0 }, 'times'],
  ])('refuses the rule %j', async (rule, message) => {
    const res = await addFault(rule);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toContain(message);
  });

  it('drops the connection when asked', async () => {
    const mock = await startMockServer({ data: '' });
    try {
      await fetch(`${mock.url}/_mock/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ match: { path: '/api/v1/**' }, drop_connection: true, times: 1 }),
      });
      await expect(fetch(`${mock.url}/api/v1/datadiffs`)).rejects.toThrow();
      expect((await fetch(`${mock.url}/api/v1/datadiffs`)).status).toBe(200);
    } finally {
      await mock.close();
    }
  });
});

describe('Prefer headers', () => {
  it('answers Prefer: code=404 with the vendor body, and Prefer: delay=N after N ms', async () => {
    const res = await call(app, 'get_datadiff', 'GET', '/api/v1/datadiffs/100', undefined, {
      prefer: 'code=404',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json).toMatchObject({ type: '/errors/not-found', status: 404 });
    const start = performance.now();
    const slow = await call(app, 'get_datadiff', 'GET', '/api/v1/datadiffs/100', undefined, {
      prefer: 'delay=100',
    });
    expect(slow.statusCode).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(99);
  });

  it('ignores a code that is no final status (Fastify threw on 999: a 500), and keeps its delay', async () => {
    for (const prefer of ['code=999', 'code=000', 'code=100', 'code=199']) {
      const res = await call(app, 'get_datadiff', 'GET', '/api/v1/datadiffs/100', undefined, { prefer });
      expect(res.statusCode, prefer).toBe(200);
      expect(res.json).toMatchObject({ id: 100 });
    }
    const oxen = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..main`, undefined, {
      prefer: 'code=600',
    });
    expect(oxen.statusCode).toBe(200);
    const start = performance.now();
    const slow = await call(app, 'get_datadiff', 'GET', '/api/v1/datadiffs/100', undefined, {
      prefer: 'code=102, delay=60',
    });
    expect(slow.statusCode).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(59);
  });

  it('reads a final status from 200 to 599 as the code, and nothing else', () => {
    expect(preferOf('code=200')).toEqual({ status: 200 });
    expect(preferOf('respond-async, code=599')).toEqual({ status: 599 });
    expect(preferOf('code=600')).toBeUndefined();
    expect(preferOf('code=199')).toBeUndefined();
    expect(preferOf('code=101; delay=5')).toEqual({ delay_ms: 5 });
  });
});
