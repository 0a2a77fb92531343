// An integration test against diffmock, in-process: every test starts from the fixtures.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startMockServer, type MockServer } from 'diffmock';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer(); // bundled fixtures, in-memory database, a free port
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

it('compares two revisions of a repository the test made', async () => {
  await mock.oxen.createRepo({
    namespace: 'acme',
    name: 'prices',
    commits: [
      { ref: 'v1', files: { 'prices.csv': 'sku,price\nA,10\nB,20\n' } },
      { ref: 'v2', branch: 'update', files: { 'prices.csv': 'sku,price\nA,12\nB,20\nC,5\n' } },
    ],
  });
  // Your client code would make this call; the mock computes the answer.
  const res = await fetch(`${mock.url}/api/repos/acme/prices/compare/entries/main..update`);
  const body = await res.json();
  expect(body.compare.counts).toEqual({ added: 0, removed: 0, modified: 1 });
  expect(mock.requests({ path: '/api/repos/acme/**' })).toHaveLength(1);
});

it('runs a Datafold data diff over a table the test registered', async () => {
  mock.datafold.addDataSource({
    id: 9,
    name: 'test-warehouse',
    tables: {
      'DB.PUBLIC.USERS': { csv: 'id,name\n1,ann\n2,bob\n' },
      'DB.DEV.USERS': { csv: 'id,name\n1,ann\n2,rob\n3,cy\n' },
    },
  });
  const created = await fetch(`${mock.url}/api/v1/datadiffs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      data_source1_id: 9,
      data_source2_id: 9,
      table1: ['DB', 'PUBLIC', 'USERS'],
      table2: ['DB', 'DEV', 'USERS'],
      pk_columns: ['id'],
    }),
  }).then((r) => r.json());
  const done = await fetch(`${mock.url}/api/v1/datadiffs/${created.id}?poll=true`).then((r) => r.json());
  expect(done.status).toBe('done');
  expect(done.diff_stats.rows_added).toBe(1); // id 3 is only in DEV
  expect(done.diff_stats.diff_rows_count).toBe(1); // id 2: bob became rob
});
