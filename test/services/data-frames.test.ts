import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import type { ComputePool, KeyedResult } from '../../src/services/compute/pool.js';
import { keyedDiffTask } from '../../src/services/compute/tasks.js';
import { computeCompare, type CompareBody } from '../../src/services/oxen/data-frames.js';
import { CompareStore } from '../../src/storage/compare-store.js';
import { openDatabase } from '../../src/storage/db.js';
import { OxenStore } from '../../src/storage/oxen-store.js';
import { LABELS_COMPARE } from '../helpers/app.js';

// A keyed compare's rows are stored as the compute pool hands them over, while it makes the rest.
// Should they stop coming (a worker thread that dies), nothing of them must stay in the database.

const body: CompareBody = { ...LABELS_COMPARE, compare_id: 'c' };

describe('storing a keyed compare', () => {
  it('drops the rows written so far when the rest fail to come', async () => {
    const db = openDatabase(':memory:');
    const { app } = await buildApp({ config: { data: BUNDLED_DATA, logLevel: 'silent' }, db });
    const store = new OxenStore(db);
    const repo = store.findRepo('ox', 'compare-datasets')!;
    const compares = new CompareStore(db);
    const rowsStored = () => db.prepare('SELECT count(*) FROM compare_rows').pluck().get() as number;
    const before = rowsStored();
    let written = 0;
    // A pool whose compare gives its first buffer of rows, then fails once that is stored.
    const compute = {
      diffKeyed: async (left, right, params) => {
        const outcome = keyedDiffTask(left, right, params);
        if (!outcome.ok) return outcome;
        const first = outcome.rows[0]!;
        async function* rows() {
          yield first;
          written = rowsStored() - before;
          throw new Error('the worker died');
        }
        return { ...outcome, rows: rows() } satisfies KeyedResult;
      },
    } as Partial<ComputePool> as ComputePool;
    await expect(computeCompare({ store, compares, compute }, repo, body, 'c', 'create')).rejects.toThrow(
      'the worker died',
    );
    // The rows of the first buffer were written before the failure, and are gone after it.
    expect(written).toBeGreaterThan(0);
    expect(rowsStored()).toBe(before);
    expect(compares.get(repo.id, 'c')).toBeUndefined();
    await app.close();
  });
});
