import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import {
  adminSpecOnce,
  buildApp,
  datafoldSpecOnce,
  oxenSpecOnce,
  type App,
  type AppDeps,
} from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { openDatabase } from '../../src/storage/db.js';

export const REPO = '/api/repos/ox/compare-datasets';
export const COMPARE = `${REPO}/compare`;

/** The bundled 100,000-row compare: ox/large-table's rows.csv, main against refresh, keyed by id. */
export const LARGE_FRAMES = '/api/repos/ox/large-table/compare/data_frames';
export const LARGE_COMPARE = {
  compare_id: 'big',
  left: { path: 'data/rows.csv', version: 'main' },
  right: { path: 'data/rows.csv', version: 'refresh' },
  keys: [{ left: 'id', right: 'id' }],
  compare: [],
  display: [],
};

/** A compare of the bundled ox/compare-datasets labels, main against feature/add-labels, keyed by id. */
export const LABELS_COMPARE = {
  compare_id: 'labels',
  left: { path: 'data/train/labels.csv', version: 'main' },
  right: { path: 'data/train/labels.csv', version: 'feature/add-labels' },
  keys: [{ left: 'id', right: 'id' }],
  compare: [],
  display: [],
};

/** An app on a fresh in-memory database with the bundled fixtures (or none). */
export async function build(
  data: string = BUNDLED_DATA,
  config: Omit<AppDeps['config'], 'data' | 'logLevel'> = {},
): Promise<App> {
  // Strict: any answer outside the spec becomes a 500 that the test then sees.
  return buildApp({
    config: { data, logLevel: 'silent', validateResponses: 'strict', ...config },
    db: openDatabase(':memory:'),
  });
}

/**
 * Sends a request and checks a JSON answer against the spec schema of `operationId` for its status.
 * Returns the response with its parsed body.
 */
export async function call(
  app: App,
  operationId: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse & { body: string; json: any }> {
  const res = await app.app.inject({
    method,
    url,
    headers: { ...(payload !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(payload !== undefined && {
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    }),
  });
  let json: unknown;
  // application/json, and the RFC 7807 application/problem+json of Datafold's errors.
  if (/^application\/(problem\+)?json/.test(String(res.headers['content-type']))) {
    json = JSON.parse(res.body);
    const op = [oxenSpecOnce, datafoldSpecOnce, adminSpecOnce]
      .map((spec) => spec().operations.get(operationId))
      .find((found) => found !== undefined);
    expect(op, `operation ${operationId}`).toBeDefined();
    const validate = op!.response(String(res.statusCode));
    expect(validate, `${operationId} declares a JSON ${res.statusCode}`).toBeDefined();
    if (!validate!(json)) {
      throw new Error(
        `${method} ${url} -> ${res.statusCode} breaks the spec: ${JSON.stringify(validate!.errors?.slice(0, 3))}`,
      );
    }
  }
  return Object.assign(res, { json: json as any });
}
