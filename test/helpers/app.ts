import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp, oxenSpecOnce, type App } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { openDatabase } from '../../src/storage/db.js';

export const REPO = '/api/repos/ox/compare-datasets';
export const COMPARE = `${REPO}/compare`;

/** An app on a fresh in-memory database with the bundled fixtures (or none). */
export async function build(data: string = BUNDLED_DATA): Promise<App> {
  return buildApp({ config: { data, logLevel: 'silent' }, db: openDatabase(':memory:') });
}

/**
 * Sends a request and checks a JSON answer against the spec schema of `operationId` for its status.
 * Returns the response with its parsed body.
 */
export async function call(
  app: App,
  operationId: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse & { body: string; json: any }> {
  const res = await app.app.inject({
    method,
    url,
    ...(payload !== undefined && {
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    }),
  });
  let json: unknown;
  if (String(res.headers['content-type']).startsWith('application/json')) {
    json = JSON.parse(res.body);
    const op = oxenSpecOnce().operations.get(operationId);
    expect(op, `operation ${operationId}`).toBeDefined();
    const validate = op!.responses.get(String(res.statusCode));
    expect(validate, `${operationId} declares a JSON ${res.statusCode}`).toBeDefined();
    if (!validate!(json)) {
      throw new Error(
        `${method} ${url} -> ${res.statusCode} breaks the spec: ${JSON.stringify(validate!.errors?.slice(0, 3))}`,
      );
    }
  }
  return Object.assign(res, { json: json as any });
}
