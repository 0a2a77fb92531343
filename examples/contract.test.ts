// Contract testing: hold diffmock's answers to the published schema, the way a consumer would.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from 'diffmock';

let mock: MockServer;
let ajv: Ajv2020;
beforeAll(async () => {
  // strict: an answer outside the spec would come back as a 500 that names the violation.
  mock = await startMockServer({ validateResponses: 'strict' });
  const spec = await fetch(`${mock.url}/openapi/datafold.json`).then((r) => r.json());
  ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);
  ajv.addSchema(spec, 'datafold');
});
afterAll(() => mock.close());

/** The schema of a documented response, by path, method and status. */
const schemaOf = (path: string, method: string, status: string, type = 'application/json') =>
  ajv.getSchema(
    `datafold#/paths/${path.replace(/\//g, '~1')}/${method}/responses/${status}/content/${type.replace('/', '~1')}/schema`,
  )!;

it('lists data diffs as the spec says', async () => {
  const res = await fetch(`${mock.url}/api/v1/datadiffs?status=done&page_size=5`);
  expect(res.status).toBe(200);
  const validate = schemaOf('/api/v1/datadiffs', 'get', '200');
  expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
});

it('answers a bad query with the documented 422', async () => {
  const res = await fetch(`${mock.url}/api/v1/datadiffs?order_by=colour`);
  expect(res.status).toBe(422);
  const validate = schemaOf('/api/v1/datadiffs', 'get', '422');
  expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
});
