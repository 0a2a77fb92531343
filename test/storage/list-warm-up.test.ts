import { describe, expect, it } from 'vitest';
import { DatafoldStore } from '../../src/storage/datafold-store.js';
import { openDatabase } from '../../src/storage/db.js';
import { warmUpListCode } from '../../src/storage/list-warm-up.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the lists warm-up', () => {
  it('runs a list per turn of the event loop, and stops when told', async () => {
    let turns = 0;
    let counting = true;
    const count = async () => {
      while (counting) {
        turns++;
        await turn();
      }
    };
    void count();
    let asked = 0;
    await warmUpListCode(() => ++asked > 1e9);
    counting = false;
    // Asked before each list, and the loop turned between them.
    expect(asked).toBeGreaterThan(20);
    expect(turns).toBeGreaterThanOrEqual(asked - 1);
    let left = 5;
    await warmUpListCode(() => --left < 0);
    expect(left).toBe(-1);
  });

  it('then builds the in-memory columns of a table that already held records', async () => {
    const db = openDatabase(':memory:');
    new DatafoldStore(db, { inMemory: false }).insertDatadiffs(
      Array.from({ length: 1500 }, (_, i) => ({ record: { id: i + 1, status: i % 2 ? 'done' : 'failed' } })),
    );
    const store = new DatafoldStore(db);
    const sqlOnly = new DatafoldStore(db, { inMemory: false });
    await store.warmUpLists(() => false);
    await sqlOnly.warmUpLists(() => false);
    for (let i = 0; i < 3; i++) await turn();
    expect(store.listsInMemory()).toBe(true);
    expect(sqlOnly.listsInMemory()).toBe(false);
    const done = { where: [{ field: 'status', anyOf: [{ op: 'eq' as const, value: 'done' }] }] };
    const q = { ...done, orderBy: 'id', descending: true, offset: 0, limit: 3 };
    expect(store.listDatadiffs(q)).toEqual(sqlOnly.listDatadiffs(q));
    expect(store.listDatadiffs(q).count).toBe(750);
    db.close();
  });

  it('leaves the columns unbuilt when stopped first', async () => {
    const db = openDatabase(':memory:');
    new DatafoldStore(db).insertDatadiffs([{ record: { id: 1 } }]);
    const store = new DatafoldStore(db);
    await store.warmUpLists(() => true);
    for (let i = 0; i < 3; i++) await turn();
    expect(store.listsInMemory()).toBe(false);
    db.close();
  });
});
