import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { build, call, COMPARE } from '../helpers/app.js';

// Options shared by both APIs: CORS, latency, Oxen bearer tokens, the served contracts, and how the
// flags and environment variables are read.
describe('server options', () => {
  it('answers CORS preflights for any origin by default, and not when switched off', async () => {
    const on = await build('');
    const off = await build('', { cors: false });
    const preflight = {
      method: 'OPTIONS' as const,
      url: '/api/v1/datadiffs',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    };
    const yes = await on.app.inject(preflight);
    expect(yes.statusCode).toBe(204);
    expect(yes.headers['access-control-allow-origin']).toBe('*');
    const no = await off.app.inject(preflight);
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    await Promise.all([on.app.close(), off.app.close()]);
  });

  it('delays API responses by the configured latency, and leaves /_mock alone', async () => {
    const app = await build('', { latency: { min: 150, max: 200 } });
    const timed = async (url: string) => {
      const start = performance.now();
      await app.app.inject({ method: 'GET', url });
      return performance.now() - start;
    };
    expect(await timed('/api/v1/datadiffs')).toBeGreaterThanOrEqual(149);
    expect(await timed('/_mock/health')).toBeLessThan(149);
    await app.app.close();
  });

  it('requires an Oxen bearer token when one is configured, as actix-web-httpauth answers', async () => {
    const app = await build(undefined, { oxenTokens: ['t0k'] });
    const url = `${COMPARE}/entries/main..feature/add-labels`;
    const none = await app.app.inject({ method: 'GET', url });
    expect([none.statusCode, none.body, none.headers['www-authenticate']]).toEqual([401, '', 'Bearer']);
    const wrong = await app.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer nope' } });
    expect(wrong.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const right = await call(app, 'entries_real', 'GET', url, undefined, { authorization: 'Bearer t0k' });
    expect(right.statusCode).toBe(200);
    expect((await call(app, 'list_datadiffs', 'GET', '/api/v1/datadiffs')).statusCode).toBe(200);
    await app.app.close();
  });

  it.each([
    ['strict', 500],
    ['warn', 200],
    ['off', 200],
  ] as const)(
    'checks answers against the spec: %s gives %i for an answer outside it',
    async (mode, status) => {
      const app = await build('', { validateResponses: mode });
      // A seeded record may carry any summary_results object; this one is no shape the spec allows.
      const seeded = await app.app.inject({
        method: 'POST',
        url: '/_mock/datafold/datadiffs',
        payload: {
          id: 1,
          data_source1_id: 1,
          data_source2_id: 1,
          pk_columns: ['id'],
          summary_results: { status: 'weird' },
        },
      });
      expect(seeded.statusCode).toBe(201);
      const res = await app.app.inject({ method: 'GET', url: '/api/v1/datadiffs/1/summary_results' });
      expect(res.statusCode).toBe(status);
      if (mode === 'strict')
        expect(JSON.parse(res.body).violation).toMatch(
          /^get_datadiff_summary_results: the 200 body breaks the spec/,
        );
      await app.app.close();
    },
  );

  it('serves both contracts as JSON', async () => {
    const app = await build('');
    for (const name of ['oxen', 'datafold']) {
      const res = await app.app.inject({ method: 'GET', url: `/openapi/${name}.json` });
      expect(JSON.parse(res.body)).toEqual(
        JSON.parse(readFileSync(new URL(`../../openapi/${name}.json`, import.meta.url), 'utf8')),
      );
    }
    await app.app.close();
  });
});

describe('reading flags and the environment', () => {
  it('reads repeatable flags, comma-separated variables and ranges', () => {
    const config = loadConfig(['--oxen-token', 'a', '--oxen-token', 'b', '--latency', '10-30'], {
      DIFFMOCK_DATAFOLD_KEYS: 'k1, k2',
      DIFFMOCK_CORS: 'off',
    });
    expect(config).toMatchObject({
      oxenTokens: ['a', 'b'],
      datafoldKeys: ['k1', 'k2'],
      cors: false,
      latency: { min: 10, max: 30 },
      port: 3000,
    });
  });

  it('logs pretty only where asked, or on a terminal under auto', () => {
    const pretty = (argv: string[], terminal: boolean) =>
      (loadConfig(argv, {}, terminal) as { logPretty: boolean }).logPretty;
    expect([pretty([], false), pretty([], true)]).toEqual([false, true]);
    expect(pretty(['--log-format', 'json'], true)).toBe(false);
    expect(pretty(['--log-format', 'pretty'], false)).toBe(true);
    expect(loadConfig(['--watch', 'on'], {})).toMatchObject({ watch: true, logLevel: 'info' });
  });

  it.each([
    [['--latency', '30-10'], '--latency'],
    [['--latency', 'slow'], '--latency'],
    [['--cors', 'maybe'], '--cors'],
    [['--watch', 'yes'], '--watch'],
    [['--log-level', 'loud'], '--log-level'],
    [['--log-format', 'xml'], '--log-format'],
    [['--validate-responses', 'loud'], '--validate-responses'],
    [['--port', '70000'], '--port'],
    [['--poll-ms', '-1'], '--poll-ms'],
  ])('refuses %j with a message naming the flag', (argv, flag) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(flag);
  });
});
