import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DatafoldStore, type ListQuery } from '../../src/storage/datafold-store.js';
import { openDatabase } from '../../src/storage/db.js';
import { RecordColumns } from '../../src/storage/record-columns.js';

// A data source's tables are stored in 1 MiB parts, read back a part per turn of the event loop.
describe('data source tables', () => {
  const MIB = 1 << 20;

  it('come back whole, in name order, whatever their size against the parts', async () => {
    const store = new DatafoldStore(openDatabase(':memory:'));
    const sizes = [0, 1, MIB - 1, MIB, MIB + 1, 2.5 * MIB];
    const texts = sizes.map((size, i) => ({ name: `T${i}`, data: 'é'.repeat(i) + 'x'.repeat(size) }));
    const tables = texts.map(({ name, data }) => ({ name, data: Buffer.from(data) }));
    store.replaceSource({ id: 1, name: 's' }, [...tables].reverse());
    expect(store.tableNames(1)).toEqual(tables.map((t) => t.name));
    const read = await store.readTables(1);
    expect(read.map(({ name, data }) => ({ name, data: data.toString('utf8') }))).toEqual(texts);
    expect(await store.readTables(2)).toEqual([]);
  });

  it('leave out a table replaced while it is read', async () => {
    const store = new DatafoldStore(openDatabase(':memory:'));
    store.replaceSource({ id: 1, name: 's' }, [
      { name: 'A', data: Buffer.from('a') },
      { name: 'B', data: Buffer.from('b'.repeat(3 * MIB)) },
    ]);
    const reading = store.readTables(1);
    // Its first part is read now; the rest, in later turns, are another table's.
    store.replaceSource({ id: 1, name: 's' }, [
      { name: 'A', data: Buffer.from('a') },
      { name: 'B', data: Buffer.from('c'.repeat(1.5 * MIB)) },
    ]);
    expect((await reading).map((t) => t.name)).toEqual(['A']);
  });

  it('written before they were stored in parts are kept, each as one part', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'diffmock-tables-')), 'old.db');
    const old = new Database(file);
    old.exec(
      'CREATE TABLE df_tables (source_id INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source_id, name)) WITHOUT ROWID',
    );
    const data = JSON.stringify({ columns: [{ name: 'id', dtype: 'i64' }], rows: [[1], [2]] });
    old.prepare('INSERT INTO df_tables VALUES (?, ?, ?)').run(3, 'DB.S.T', data);
    old.close();
    const db = openDatabase(file);
    const read = await new DatafoldStore(db).readTables(3);
    expect(read.map((t) => [t.name, t.data.toString('utf8')])).toEqual([['DB.S.T', data]]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'df_tables'").all()).toEqual([]);
    db.close();
  });
});

const record = (id: number, status: string, source: number) => ({
  id,
  status,
  data_source1_id: source,
  data_source2_id: 2,
  created_at: `2025-01-0${1 + (id % 9)}T00:00:00Z`,
});

const doneFromSource2: ListQuery = {
  where: [
    { field: 'status', anyOf: [{ op: 'eq', value: 'done' }] },
    { field: 'data_source1_id', anyOf: [{ op: 'eq', value: 2 }] },
  ],
  orderBy: 'created_at',
  descending: false,
  offset: 0,
  limit: 2,
};

describe('list counts', () => {
  it('are remembered only until anything is written', () => {
    const store = new DatafoldStore(openDatabase(':memory:'));
    // Odd ids from source 2, even ones from source 1, where one has failed.
    const status = (id: number) => (id === 6 ? 'failed' : 'done');
    store.insertDatadiffs([1, 2, 3, 4, 5, 6].map((id) => ({ record: record(id, status(id), 1 + (id % 2)) })));
    const count = () => store.listDatadiffs(doneFromSource2).count;
    expect([count(), count()]).toEqual([3, 3]);
    store.insertDatadiff(record(7, 'done', 2));
    expect(count()).toBe(4);
    store.updateRecord(7, record(7, 'failed', 2));
    expect(count()).toBe(3);
    // Another query's count is its own, and so is the same query's with other values.
    const fromSource1 = [
      doneFromSource2.where[0]!,
      { field: 'data_source1_id', anyOf: [{ op: 'eq' as const, value: 1 }] },
    ];
    expect(store.listDatadiffs({ ...doneFromSource2, where: fromSource1 }).count).toBe(2);
    expect(store.listDatadiffs({ ...doneFromSource2, where: doneFromSource2.where.slice(0, 1) }).count).toBe(
      5,
    );
    store.clear();
    expect(count()).toBe(0);
  });
});

describe('list pages', () => {
  const ids = (page: { texts: readonly string[] }) =>
    page.texts.map((t) => (JSON.parse(t) as { id: number }).id);

  it('are remembered only until anything is written', () => {
    const store = new DatafoldStore(openDatabase(':memory:'));
    store.insertDatadiffs([1, 3, 5].map((id) => ({ record: record(id, 'done', 2) })));
    const page = () => store.listDatadiffs(doneFromSource2);
    const first = page();
    expect(ids(first)).toEqual([1, 3]);
    // Read once: the same page, not read again.
    expect(page()).toBe(first);
    store.insertDatadiff(record(9, 'done', 2)); // created on the 1st: sorted first
    expect([ids(page()), page().count]).toEqual([[9, 1], 4]);
    store.updateRecord(9, record(9, 'failed', 2));
    expect([ids(page()), page().count]).toEqual([[1, 3], 3]);
    // The same query without a field of its records is a page of its own.
    expect(JSON.parse(store.listDatadiffs(doneFromSource2, 'status').texts[0]!)).not.toHaveProperty('status');
    expect(JSON.parse(page().texts[0]!)).toHaveProperty('status', 'done');
    store.clear();
    expect([ids(page()), page().count]).toEqual([[], 0]);
  });

  it('are read every time by a store told not to remember them', () => {
    const store = new DatafoldStore(openDatabase(':memory:'), { rememberPages: false });
    store.insertDatadiffs([1, 3].map((id) => ({ record: record(id, 'done', 2) })));
    const first = store.listDatadiffs(doneFromSource2);
    const again = store.listDatadiffs(doneFromSource2);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});

describe('list counts on two filters', () => {
  it.each([
    ['in SQL', false],
    ['in memory', true],
  ])('count what both filters pass, given in either order (%s)', (_, inMemory) => {
    const store = new DatafoldStore(openDatabase(':memory:'), { inMemory });
    // A store that emptied its table keeps the in-memory columns from then on.
    store.clear();
    const statuses = ['done', 'done', 'failed', 'cancelled', 'done', 'waiting', 'done'];
    const records = Array.from({ length: 400 }, (_, i) => ({
      ...record(i + 1, statuses[i % statuses.length]!, 1 + (i % 3)),
      table1: ['DB', 'S', `T${i % 11}`],
      result: i % 13 === 0 ? null : i % 4 === 0 ? 'identical' : 'different',
      tags: i % 5 === 0 ? ['nightly'] : [],
    }));
    store.insertDatadiffs(records.map((r) => ({ record: r })));
    type R = (typeof records)[number];
    const cases: Array<[ListQuery['where'], (r: R) => boolean]> = [
      [
        [
          { field: 'status', anyOf: [{ op: 'eq', value: 'done' }] },
          { field: 'data_source1_id', anyOf: [{ op: 'eq', value: 2 }] },
        ],
        (r) => r.status === 'done' && r.data_source1_id === 2,
      ],
      [
        [
          { field: 'table1', anyOf: [{ op: 'path', value: 'db.s.t3' }] },
          {
            field: 'status',
            anyOf: [
              { op: 'eq', value: 'done' },
              { op: 'eq', value: 'failed' },
            ],
          },
        ],
        (r) => r.table1[2] === 'T3' && ['done', 'failed'].includes(r.status),
      ],
      [
        [
          {
            field: 'result',
            anyOf: [
              { op: 'eq', value: null },
              { op: 'eq', value: 'identical' },
            ],
          },
          { field: 'created_at', anyOf: [{ op: 'range', from: '2025-01-03', to: '2025-01-06' }] },
        ],
        (r) =>
          (r.result === null || r.result === 'identical') &&
          r.created_at >= '2025-01-03' &&
          r.created_at < '2025-01-06',
      ],
      [
        // Three fields each to equal one value (counted by intersecting their ids), one of them null.
        [
          { field: 'result', anyOf: [{ op: 'eq', value: null }] },
          { field: 'status', anyOf: [{ op: 'eq', value: 'done' }] },
          { field: 'table1', anyOf: [{ op: 'path', value: 'db.s.t2' }] },
        ],
        (r) => r.result === null && r.status === 'done' && r.table1[2] === 'T2',
      ],
      [
        [
          { field: 'tags', anyOf: [{ op: 'element', value: 'nightly' }] },
          { field: 'data_source1_id', anyOf: [{ op: 'eq', value: 1 }] },
        ],
        (r) => r.tags.includes('nightly') && r.data_source1_id === 1,
      ],
    ];
    expect(store.listsInMemory()).toBe(inMemory);
    for (const [where, passes] of cases) {
      const expected = records.filter(passes).length;
      expect(expected).toBeGreaterThan(0);
      expect(store.listDatadiffs({ ...doneFromSource2, where }).count).toBe(expected);
      expect(store.listDatadiffs({ ...doneFromSource2, where: [...where].reverse() }).count).toBe(expected);
    }
  });
});

describe('list pages', () => {
  it('come from the in-memory columns where SQLite would sort many records, and equal its own', () => {
    const db = openDatabase(':memory:');
    const store = new DatafoldStore(db);
    const sql = new DatafoldStore(db, { inMemory: false });
    store.clear();
    store.insertDatadiffs(
      Array.from({ length: 16_000 }, (_, i) => ({
        record: {
          id: i + 1,
          status: i % 4 === 0 ? 'failed' : 'done',
          created_at: `2025-01-${String(1 + (i % 28)).padStart(2, '0')}`,
          diff_stats: i % 7 === 0 ? null : { match_ratio: (i * 7919) % 1000 },
        },
      })),
    );
    const page = vi.spyOn(RecordColumns.prototype, 'page');
    try {
      const list = (where: ListQuery['where'], orderBy: string, offset = 0): ListQuery => ({
        where,
        orderBy,
        descending: true,
        offset,
        limit: 50,
      });
      const done: ListQuery['where'] = [{ field: 'status', anyOf: [{ op: 'eq', value: 'done' }] }];
      const failed: ListQuery['where'] = [{ field: 'status', anyOf: [{ op: 'eq', value: 'failed' }] }];
      // 12,000 done records, sorted by a field no index of theirs orders: picked in memory.
      for (const offset of [0, 6_000, 11_990]) {
        const q = list(done, 'stats.match_ratio', offset);
        expect(store.listDatadiffs(q)).toEqual(sql.listDatadiffs(q));
      }
      expect(page).toHaveBeenCalledTimes(3);
      // 4,000 failed ones: in memory too.
      expect(store.listDatadiffs(list(failed, 'stats.match_ratio'))).toEqual(
        sql.listDatadiffs(list(failed, 'stats.match_ratio')),
      );
      expect(page).toHaveBeenCalledTimes(4);
      // Fewer records pass (572 on one day), or an index gives the order (status and created_at): SQL.
      const day: ListQuery['where'] = [
        { field: 'created_at', anyOf: [{ op: 'range', from: '2025-01-05', to: '2025-01-06' }] },
      ];
      expect(sql.listDatadiffs(list(day, 'id')).count).toBe(572);
      for (const q of [list(day, 'stats.match_ratio'), list(done, 'created_at'), list([], 'status')])
        expect(store.listDatadiffs(q)).toEqual(sql.listDatadiffs(q));
      expect(page).toHaveBeenCalledTimes(4);
    } finally {
      page.mockRestore();
    }
  });
});

// A list answer splices the records' stored texts in (DatadiffService.listText): they must be the
// text JSON.stringify gives of each record without the field left out, whichever way the page is read.
describe('list texts', () => {
  const without = (record: Record<string, unknown>, field: string) => {
    const rest = { ...record };
    delete rest[field];
    return rest;
  };
  // Keys JavaScript puts first (integer-like), the field left out, and any text; values of every kind,
  // strings with lone surrogates and escapes, numbers such as -0, 1e21 and 5e-324.
  const key = fc.oneof(
    fc.constantFrom('diff_progress', 'status', '0', '7', '10', '__proto__', 'a"b', "it's", 'é', '\u2028'),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );
  const number = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(-0, 1e21, 5e-324),
  );
  const value = fc.oneof(fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), number);
  const recordArb = fc.dictionary(key, value, { maxKeys: 8 }).filter((r) => !('id' in r));

  it('are JSON.stringify of each record, without the field asked, on every path a page takes', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 6 }), (extras) => {
        const store = new DatafoldStore(openDatabase(':memory:'));
        const records = extras.map((extra, i) => ({
          ...extra,
          id: i + 1,
          status: i % 2 ? 'done' : 'failed',
        }));
        store.insertDatadiffs(records.map((record) => ({ record })));
        // An update writes its text anew.
        const updated = { ...records[0]!, diff_progress: { completed_steps: 1 } };
        store.updateRecord(1, updated);
        records[0] = updated;
        const expected = (field: string) => records.map((r) => JSON.stringify(without(r, field)));
        const all: ListQuery = { where: [], orderBy: 'id', descending: false, offset: 0, limit: 10 };
        // Unfiltered: read with the page; filtered: by ids, as a page from memory is.
        const byIds: ListQuery = {
          ...all,
          where: [
            {
              field: 'status',
              anyOf: [
                { op: 'eq', value: 'done' },
                { op: 'eq', value: 'failed' },
              ],
            },
          ],
        };
        for (const q of [all, byIds]) {
          expect(store.listDatadiffs(q, 'diff_progress').texts).toEqual(expected('diff_progress'));
          expect(store.listDatadiffs(q, "it's").texts).toEqual(expected("it's"));
          expect(store.listDatadiffs(q).texts).toEqual(records.map((r) => JSON.stringify(r)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
