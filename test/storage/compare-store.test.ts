import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompareStore } from '../../src/storage/compare-store.js';
import { openDatabase } from '../../src/storage/db.js';

const columns = [{ name: 'id', dtype: 'i64' }];
const meta = { left_commit: 'l', right_commit: 'r', columns };

function setup(file = ':memory:') {
  const db = openDatabase(file);
  db.prepare(
    "INSERT OR IGNORE INTO repos (id, namespace, name, head_branch) VALUES (1, 'n', 'r', 'main')",
  ).run();
  return { db, store: new CompareStore(db) };
}

function write(store: CompareStore, ids: number[]) {
  const generation = store.newGeneration();
  store.appendRows(
    1,
    'c',
    generation,
    0,
    ids.map((id) => JSON.stringify({ id })),
  );
  return generation;
}

describe('stored compares', () => {
  it('shows a compare only once committed, and the newest generation wins', () => {
    const { store } = setup();
    const older = write(store, [1, 2]);
    const newer = write(store, [3]);
    expect(store.get(1, 'c')).toBeUndefined();
    expect(store.commit(1, 'c', { ...meta, height: 1, generation: newer })).toBe(true);
    expect(store.commit(1, 'c', { ...meta, height: 2, generation: older })).toBe(false);
    const current = store.get(1, 'c')!;
    expect(current.generation).toBe(newer);
    expect(store.rows(1, 'c', current.generation, 0, 10)).toEqual(['{"id":3}']);
    expect(store.dropGeneration(1, 'c', older, 10)).toBe(2);
  });

  it('writes each row at its index, whole statements of many rows and the rest one by one', () => {
    const { store } = setup();
    const generation = store.newGeneration();
    const texts = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i }));
    // 0, 1, 49, 50, 51 and 123 rows: below, at and past a statement's rows, and two statements.
    let at = 0;
    for (const n of [0, 1, 49, 50, 51, 123]) {
      store.appendRows(1, 'c', generation, at, texts(at, n));
      at += n;
    }
    store.commit(1, 'c', { ...meta, height: at, generation });
    expect(store.rows(1, 'c', generation, 0, at + 10)).toEqual(texts(0, at));
  });

  it('keeps a deleted compare deleted against older writes still in flight, not newer ones', () => {
    const { store } = setup();
    const inFlight = write(store, [1]);
    const bound = store.delete(1, 'c');
    expect(store.commit(1, 'c', { ...meta, height: 1, generation: inFlight })).toBe(false);
    expect(store.dropRowsBelow(1, 'c', bound, 10)).toBe(1);
    const later = write(store, [2]);
    expect(store.commit(1, 'c', { ...meta, height: 1, generation: later })).toBe(true);
  });

  it('pages a filtered, sorted view in SQL and counts the whole view', () => {
    const { store } = setup();
    const generation = write(store, [5, 1, 4, 2, 3]);
    store.commit(1, 'c', { ...meta, height: 5, generation });
    const view = store.query(1, 'c', generation, {
      filter: { terms: [{ column: 'id', op: '>', value: 1 }], joins: [] },
      sortBy: 'id',
      reverse: true,
      offset: 1,
      limit: 2,
    });
    expect(view).toEqual({ total: 4, rows: ['{"id":4}', '{"id":3}'] });
  });

  it('drops the rows of a write the process never committed when the database is opened again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'diffmock-cmp-')), 'state.db');
    const first = setup(file);
    const kept = write(first.store, [1]);
    first.store.commit(1, 'c', { ...meta, height: 1, generation: kept });
    write(first.store, [2, 3]);
    first.db.close();
    const second = setup(file);
    const count = second.db.prepare('SELECT count(*) FROM compare_rows').pluck().get();
    expect(count).toBe(1);
    expect(second.store.newGeneration()).toBeGreaterThan(kept);
  });
});
