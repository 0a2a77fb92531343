import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { build, call, COMPARE } from '../helpers/app.js';

let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

const nested = (type: string, title: string, detail?: string, statusMessage = type) => ({
  error: { type, title, ...(detail !== undefined && { detail }) },
  status: 'error',
  status_message: statusMessage,
});

describe('Oxen errors', () => {
  it.each<[string, string, string, number, unknown]>([
    [
      'unknown repository',
      'entries_real',
      '/api/repos/ox/nope/compare/entries/main..main',
      404,
      {
        status: 'error',
        status_message: 'resource_not_found',
        oxen_version: '0.50.0',
        status_description: "Repository 'ox/nope' not found",
      },
    ],
    [
      'unknown revision',
      'entries_real',
      `${COMPARE}/entries/main..nope`,
      404,
      nested('resource_not_found', 'Revision not found', 'Could not find branch or commit: nope'),
    ],
    [
      'three dots in 0.50.0',
      'entries_real',
      `${COMPARE}/entries/main...main`,
      404,
      nested('resource_not_found', 'Revision not found', 'Could not find branch or commit: .main'),
    ],
    [
      'no .. at all',
      'commits',
      `${COMPARE}/commits/main`,
      400, // 0.50.0: 500 OxenError::Basic (see the README's fidelity choices)
      nested(
        'bad_request',
        'Bad Request',
        'Could not parse commits. Format should be base..head',
        'bad_request',
      ),
    ],
    [
      'file with no path (0.50.0 panics)',
      'file_real',
      `${COMPARE}/file/main..feature/add-labels`,
      404,
      nested('resource_not_found', 'Resource not found', 'Could not find path: main..feature/add-labels'),
    ],
    [
      'file at neither revision',
      'file_real',
      `${COMPARE}/file/main..main/nope.txt`,
      400, // 0.50.0: 500 OxenError::Basic (see the README's fidelity choices)
      nested(
        'bad_request',
        'Bad Request',
        'Could not calculate diff: neither base nor head entries exist.',
        'bad_request',
      ),
    ],
    [
      'unknown head in a file path',
      'file_real',
      `${COMPARE}/file/main..nope/x.txt`,
      404,
      nested('resource_not_found', 'Revision not found', 'Could not find branch or commit: nope/x.txt'),
    ],
    [
      'unknown compare id',
      'get_derived_df',
      `${COMPARE}/data_frames/nope/diff`,
      404,
      nested(
        'resource_not_found',
        'Path does not exist',
        'Could not find path: /var/oxen/data/ox/compare-datasets/.oxen/cache/compares/nope/diff.parquet',
      ),
    ],
  ])('%s', async (_name, operationId, url, status, body) => {
    const res = await call(app, operationId, 'GET', url);
    expect(res.statusCode).toBe(status);
    expect(res.json).toEqual(body);
  });

  it.each([
    ['?page=abc', 'invalid digit found in string'],
    ['?page=-1', 'invalid digit found in string'],
    ['?page_size=', 'cannot parse integer from empty string'],
    ['?page_size=99999999999999999999', 'number too large to fit in target type'],
  ])('query %s is a plain-text 400', async (query, message) => {
    const res = await app.app.inject(`${COMPARE}/entries/main..main${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe(`Query deserialize error: ${message}`);
  });

  it.each([
    ['GET', `${COMPARE}/commits`],
    ['GET', `${COMPARE}/main..main/commits`],
    ['PATCH', `${COMPARE}/data_frames/x`],
    ['GET', '/nowhere'],
  ])('%s %s is the default 404', async (method, url) => {
    const res = await app.app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({
      status: 'error',
      status_message: 'resource_not_found',
      oxen_version: '0.50.0',
    });
  });

  it.each([
    `${COMPARE}/file/main..main/../../etc/passwd`,
    `${COMPARE}/file/main..main/%2E%2E/%2E%2E/etc/passwd`,
    `${COMPARE}/entries/main..main/dir/%2E%2E/%2E%2E`,
  ])('path traversal %s is a vendor 4xx, never a file', async (url) => {
    const res = await app.app.inject(url);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).not.toBe(200);
    expect(JSON.parse(res.body).status).toBe('error');
    expect(res.body).not.toContain('root:');
  });

  it('keeps serving after bad input', async () => {
    const ok = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..feature/add-labels`);
    expect(ok.statusCode).toBe(200);
  });
});
