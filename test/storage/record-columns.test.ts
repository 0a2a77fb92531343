import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMN_ROW } from '../../src/storage/datafold-fields.js';
import { DatafoldStore, type Json, type ListQuery, type Match } from '../../src/storage/datafold-store.js';
import { openDatabase, type Db } from '../../src/storage/db.js';
import { COLUMN_FIELDS, RecordColumns } from '../../src/storage/record-columns.js';
import { mulberry32 } from '../../scripts/tables.js';

type Where = ListQuery['where'];
const query = (where: Where): ListQuery => ({ where, orderBy: 'id', descending: false, offset: 0, limit: 5 });

// Values that SQLite and JavaScript could order or equate differently: numbers against strings,
// integers against reals, -0, an integer past 2^53, strings past the BMP and in U+E000-U+FFFF,
// JSON objects and arrays at a scalar path, booleans (1 and 0 to SQLite).
const VALUES = [
  null,
  0,
  -0,
  1,
  1.5,
  2,
  2 ** 53 + 2,
  true,
  false,
  'done',
  'failed',
  'DONE',
  '',
  '2025-03-01',
  '2025-03-01T00:00:00Z',
  '2025-03-02T10:00:00Z',
  'é',
  '\u{1F600}',
  '\uE000',
  { a: 1 },
  ['DB', 'S', 'T1'],
  ['db', 's', 't1'],
  'DB.S.T1',
  ['x'],
];
const BOUNDS = ['', '1', '2025-03-01', '2025-03-02', 'done', 'é', '\u{1F600}', '\uE000', '~'];
const FIELDS = [
  'id',
  'status',
  'data_source1_id',
  'created_at',
  'table1',
  'tags',
  'done',
  'stats.match_ratio',
  'user_name',
];

const recordArb = fc.record(
  {
    status: fc.constantFrom(...VALUES),
    data_source1_id: fc.constantFrom(...VALUES),
    created_at: fc.constantFrom(...VALUES),
    table1: fc.constantFrom(...VALUES),
    tags: fc.constantFrom(...VALUES),
    done: fc.constantFrom(...VALUES),
    diff_stats: fc.option(fc.record({ match_ratio: fc.constantFrom(...VALUES) }), { nil: null }),
  },
  { requiredKeys: [] },
);
const hiddenArb = fc.record({ user_name: fc.constantFrom(...VALUES) }, { requiredKeys: [] });

const scalar = fc.constantFrom(
  ...VALUES.filter((v): v is string | number | null => v === null || ['string', 'number'].includes(typeof v)),
);
const matchArb: fc.Arbitrary<Match> = fc.oneof(
  scalar.map((value) => ({ op: 'eq' as const, value })),
  fc.constantFrom('db.s.t1', 'DB.S.T1', 'done', '').map((value) => ({ op: 'path' as const, value })),
  fc
    .record({ from: fc.constantFrom(...BOUNDS), to: fc.constantFrom(...BOUNDS) }, { requiredKeys: [] })
    .map((r) => ({ op: 'range' as const, ...r })),
  fc.constantFrom('x', 'DB', 'done').map((value) => ({ op: 'element' as const, value })),
);
const whereArb: fc.Arbitrary<Where> = fc.uniqueArray(
  fc.record({ field: fc.constantFrom(...FIELDS), anyOf: fc.array(matchArb, { minLength: 1, maxLength: 3 }) }),
  { maxLength: 3, selector: (c) => c.field },
);

/** The ids of a page's records, from their texts. */
const idsOf = (texts: readonly string[]) => texts.map((t) => (JSON.parse(t) as { id: number }).id);

/**
 * Pages of the done records, in each order of `orderBys` both ways, at each `[offset, limit]`, from
 * `columns` and from SQL: the same ids. Returns how many were compared.
 */
function sameDonePages(
  columns: RecordColumns,
  sql: DatafoldStore,
  orderBys: string[],
  pages: Array<[number, number]>,
): number {
  const done: Where = [{ field: 'status', anyOf: [{ op: 'eq', value: 'done' }] }];
  let compared = 0;
  for (const orderBy of orderBys)
    for (const descending of [false, true])
      for (const [offset, limit] of pages) {
        const q = { where: done, orderBy, descending, offset, limit };
        const ids = columns.page(done, q);
        expect(ids).toEqual(idsOf(sql.listDatadiffs(q).texts));
        compared += ids!.length;
      }
  return compared;
}

/** The table's rows, as the store's writes return them, and in-memory columns holding them. */
function columnsOf(db: Db): { columns: RecordColumns; rows: unknown[][] } {
  const rows = db.prepare(`SELECT ${COLUMN_ROW} FROM df_datadiffs`).raw().all() as unknown[][];
  const columns = new RecordColumns();
  columns.empty();
  for (const row of rows) columns.put(row);
  return { columns, rows };
}

/** A store that lists in SQL alone, holding `records`, and in-memory columns made from its table. */
function stored(records: ReadonlyArray<[Json, Json]>) {
  const db = openDatabase(':memory:');
  const store = new DatafoldStore(db, { inMemory: false });
  store.insertDatadiffs(records.map(([record, hidden]) => ({ record, hidden })));
  return { db, store, ...columnsOf(db) };
}

describe('in-memory record columns', () => {
  it('count what SQLite counts, on values the two could compare differently', () => {
    let counted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(recordArb, hiddenArb), { maxLength: 30 }),
        fc.array(whereArb, { minLength: 1, maxLength: 8 }),
        (records, wheres) => {
          const { db, store, columns, rows } = stored(records);
          for (const where of wheres) {
            const inMemory = columns.count(where);
            const needsSql = where.some(
              ({ field, anyOf }) =>
                anyOf.some(
                  (m) =>
                    m.op === 'element' ||
                    (m.op === 'range' &&
                      [m.from, m.to].some((b) => b !== undefined && /[\u0080-\uffff]/.test(b))),
                ) || rows.some((row) => row[1 + COLUMN_FIELDS.indexOf(field)] === 2 ** 53 + 2),
            );
            // A filter SQL must count may still be settled in memory by another that nothing passes.
            if (!needsSql) expect(inMemory).toBeDefined();
            if (inMemory !== undefined) {
              expect(inMemory).toBe(store.listDatadiffs(query(where)).count);
              counted += inMemory > 0 ? 1 : 0;
            }
          }
          db.close();
        },
      ),
      { numRuns: 300 },
    );
    // Many filters were counted in memory and matched records (300-350 of some 1,300 drawn; the
    // bound is far below that, so that a draw cannot fail it, and far above none).
    expect(counted).toBeGreaterThan(100);
  });

  it('page as SQLite pages, in every sort order, on values the two could order differently', () => {
    let paged = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(recordArb, hiddenArb), { maxLength: 30 }),
        fc.array(
          fc.record({
            // No filter half the time, so that many pages hold several records.
            where: fc.oneof(whereArb, fc.constant<Where>([])),
            orderBy: fc.constantFrom(...FIELDS, 'updated_at', 'result'),
            descending: fc.boolean(),
            offset: fc.nat(12),
            limit: fc.integer({ min: 1, max: 12 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (records, queries) => {
          const { db, store, columns, rows } = stored(records);
          for (const q of queries) {
            const ids = columns.page(q.where, q);
            const rounded = rows.some((row) => row[1 + COLUMN_FIELDS.indexOf(q.orderBy)] === 2 ** 53 + 2);
            // Settled in memory exactly when the count is, unless the sort field holds a rounded integer.
            if (rounded) expect(ids).toBeUndefined();
            else expect(ids === undefined).toBe(columns.count(q.where) === undefined);
            if (ids === undefined) continue;
            const sql = idsOf(store.listDatadiffs({ ...q, where: q.where }).texts);
            expect(ids).toEqual(sql);
            paged += ids.length > 1 ? 1 : 0;
          }
          db.close();
        },
      ),
      { numRuns: 300 },
    );
    // Many pages of two records or more were compared.
    expect(paged).toBeGreaterThan(100);
  });

  it('pick a page among thousands of records as SQLite does, near the start or deep', () => {
    const db = openDatabase(':memory:');
    const sql = new DatafoldStore(db, { inMemory: false });
    // Repeated values and nulls, so that ties fall to the id; ids not in the order of the writes.
    const rand = mulberry32(11);
    sql.insertDatadiffs(
      Array.from({ length: 3000 }, (_, i) => ({
        record: {
          id: ((i * 7919) % 3000) + 1,
          status: ['done', 'failed', 'done'][i % 3],
          created_at: `2025-01-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
          diff_stats: i % 10 === 0 ? null : { match_ratio: Math.round(rand() * 50) / 50 },
        },
      })),
    );
    const { columns } = columnsOf(db);
    const compared = sameDonePages(
      columns,
      sql,
      ['stats.match_ratio', 'created_at', 'id'],
      [
        [0, 1],
        [0, 100],
        [37, 20],
        [400, 100],
        [1950, 100],
      ],
    );
    // Six orders, each with pages of 1, 100, 20, 100 and the last 50 records that pass.
    expect(compared).toBe(6 * 271);
    db.close();
  });

  it('pick a page by values whose order keys are not all known as SQLite does', () => {
    const db = openDatabase(':memory:');
    const sql = new DatafoldStore(db, { inMemory: false });
    const rand = mulberry32(5);
    const hour = (h: number) => new Date(Date.UTC(2025, 0, 1) + h * 3_600_000).toISOString();
    // Distinct dates, sorted once written (ValueDictionary.orderKeys), then 300 more written after,
    // between them: their keys are not known. The match ratio holds numbers and strings: no keys.
    const record = (id: number, h: number) => ({
      record: {
        id,
        status: id % 4 === 0 ? 'failed' : 'done',
        created_at: hour(h),
        diff_stats: { match_ratio: id % 7 === 0 ? `r${id % 50}` : Math.round(rand() * 100) / 100 },
      },
    });
    sql.insertDatadiffs(Array.from({ length: 3000 }, (_, i) => record(i + 1, 2 * i)));
    const { columns } = columnsOf(db);
    columns.afterBulkWrite();
    sql.insertDatadiffs(Array.from({ length: 300 }, (_, i) => record(3001 + i, 20 * i + 1)));
    for (const row of db.prepare(`SELECT ${COLUMN_ROW} FROM df_datadiffs WHERE id > 3000`).raw().all())
      columns.put(row as unknown[]);
    const compared = sameDonePages(
      columns,
      sql,
      ['created_at', 'stats.match_ratio'],
      [
        [0, 100],
        [250, 50],
      ],
    );
    expect(compared).toBe(4 * 150);
    db.close();
  });

  it('leave to SQL a range whose bounds are not ASCII, where the two order strings differently', () => {
    const db = openDatabase(':memory:');
    const sql = new DatafoldStore(db, { inMemory: false });
    // JavaScript puts U+1F600 (a surrogate pair, from U+D83D) before U+E000; SQLite's UTF-8 bytes after.
    sql.insertDatadiffs(['\u{1F600}', '\uE000', 'z'].map((status, i) => ({ record: { id: i + 1, status } })));
    const { columns } = columnsOf(db);
    const from = (bound: string): Where => [{ field: 'status', anyOf: [{ op: 'range', from: bound }] }];
    expect(sql.listDatadiffs(query(from('\uE000'))).count).toBe(2);
    expect(columns.count(from('\uE000'))).toBeUndefined();
    // Against an ASCII bound the two orders agree.
    expect(columns.count(from('a'))).toBe(sql.listDatadiffs(query(from('a'))).count);
    expect(columns.count(from('a'))).toBe(3);
  });

  it('leave to SQL a field holding an integer past 2^53, which reaches JavaScript rounded', () => {
    // Only a database written by other means holds one: JSON.stringify writes what a double holds.
    const db = openDatabase(':memory:');
    db.prepare('INSERT INTO df_datadiffs (id, record) VALUES (1, ?)').run(
      '{"id":1,"data_source1_id":9007199254740993}',
    );
    const { columns } = columnsOf(db);
    const where: Where = [{ field: 'data_source1_id', anyOf: [{ op: 'eq', value: 2 ** 53 }] }];
    expect(new DatafoldStore(db, { inMemory: false }).listDatadiffs(query(where)).count).toBe(0);
    expect(columns.count(where)).toBeUndefined();
    expect(columns.count([{ field: 'id', anyOf: [{ op: 'eq', value: 1 }] }])).toBe(1);
  });

  it('hand counts back to SQL past their limit of records, until the table is emptied', () => {
    const columns = new RecordColumns(3);
    columns.empty();
    const row = (id: number) => [id, ...COLUMN_FIELDS.map(() => null)];
    // Record 2 written again is replaced, not added.
    for (const id of [1, 2, 3, 2]) columns.put(row(id));
    expect(columns.count([])).toBe(3);
    columns.put(row(4));
    expect(columns.state).toBe('too many');
    expect(columns.count([])).toBeUndefined();
    columns.put(row(1));
    expect(columns.state).toBe('too many');
    columns.empty();
    columns.put(row(5));
    expect(columns.count([])).toBe(1);
  });

  it('make a dictionary again once replaced values outnumber the records, and count the same', () => {
    const columns = new RecordColumns();
    columns.empty();
    const at = 1 + COLUMN_FIELDS.indexOf('updated_at');
    const row = (id: number, updated: string) => {
      const values: unknown[] = [id, ...COLUMN_FIELDS.map(() => null)];
      values[at] = updated;
      return values;
    };
    // Two records updated 1,000 times each: 2,000 values have come and gone.
    for (let i = 0; i < 1000; i++) {
      columns.put(row(1, `2025-01-01T00:00:${String(i).padStart(4, '0')}`));
      columns.put(row(2, `2025-02-01T00:00:${String(i).padStart(4, '0')}`));
    }
    const dictionary = (columns as unknown as { dictionaries: Array<{ values: unknown[] }> }).dictionaries[
      at - 1
    ]!;
    expect(dictionary.values.length).toBeLessThanOrEqual(2 * 2 + 64 + 1);
    const before = (to: string): Where => [{ field: 'updated_at', anyOf: [{ op: 'range', to }] }];
    expect(columns.count(before('2025-01-02'))).toBe(1);
    expect(columns.count(before('2025-03'))).toBe(2);
    expect(
      columns.count([{ field: 'updated_at', anyOf: [{ op: 'eq', value: '2025-02-01T00:00:0999' }] }]),
    ).toBe(1);
    expect(
      columns.count([{ field: 'updated_at', anyOf: [{ op: 'eq', value: '2025-02-01T00:00:0998' }] }]),
    ).toBe(0);
  });
});

const done = (id: number, status = 'done') => ({ id, status, data_source1_id: 1 + (id % 2) });
const doneFrom2: Where = [
  { field: 'status', anyOf: [{ op: 'eq', value: 'done' }] },
  { field: 'data_source1_id', anyOf: [{ op: 'eq', value: 2 }] },
];

describe('list counts from the in-memory columns', () => {
  it('follow every kind of write', () => {
    const db = openDatabase(':memory:');
    const store = new DatafoldStore(db);
    const sql = new DatafoldStore(db, { inMemory: false });
    store.clear();
    expect(store.listsInMemory()).toBe(true);
    // The same counts and pages as SQL gives, in id order and by status, descending.
    const same = () => {
      for (const where of [doneFrom2, doneFrom2.slice(0, 1), []])
        for (const q of [query(where), { ...query(where), orderBy: 'status', descending: true }])
          expect(store.listDatadiffs(q)).toEqual(sql.listDatadiffs(q));
      return store.listDatadiffs(query(doneFrom2)).count;
    };
    store.insertDatadiffs([1, 2, 3, 4, 5].map((id) => ({ record: done(id) })));
    expect(same()).toBe(3);
    store.insertDatadiff(done(7));
    expect(same()).toBe(4);
    // Replaced under the same id, then updated, with and without summary results.
    store.insertDatadiff(done(7, 'failed'));
    expect(same()).toBe(3);
    store.updateRecord(3, done(3, 'failed'));
    expect(same()).toBe(2);
    store.updateRecord(3, done(3), { ok: true });
    expect(same()).toBe(3);
    // A record stored without an id gets the next one, 8.
    store.insertDatadiff({ status: 'done', data_source1_id: 2 });
    expect(same()).toBe(4);
    expect(store.listsInMemory()).toBe(true);
    store.clear();
    expect(same()).toBe(0);
    expect(store.listsInMemory()).toBe(true);
  });

  it('are dropped when a transaction rolls back, and built again from the table', async () => {
    const db = openDatabase(':memory:');
    const store = new DatafoldStore(db);
    store.clear();
    store.insertDatadiffs([1, 3, 5].map((id) => ({ record: done(id) })));
    // A failed reload: the clear and the records it wrote are rolled back.
    expect(() =>
      store.atomically(() => {
        store.clear();
        store.insertDatadiffs([11, 13].map((id) => ({ record: done(id, 'failed') })));
        throw new Error('fixture failed');
      }),
    ).toThrow('fixture failed');
    expect(store.listsInMemory()).toBe(false);
    expect(store.listDatadiffs(query(doneFrom2)).count).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.listsInMemory()).toBe(true);
    expect(store.listDatadiffs(query(doneFrom2)).count).toBe(3);
  });

  it('are built from a table that already held records, a slice per turn, keeping writes meanwhile', async () => {
    const db = openDatabase(':memory:');
    const sql = new DatafoldStore(db, { inMemory: false });
    sql.insertDatadiffs(Array.from({ length: 2500 }, (_, i) => ({ record: done(i + 1) })));
    const store = new DatafoldStore(db);
    expect(store.listDatadiffs(query(doneFrom2)).count).toBe(1250);
    expect(store.listsInMemory()).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    // One slice of 1,000 read; a record the build has passed and one it has yet to read change.
    store.updateRecord(1, done(1, 'failed'));
    store.updateRecord(2001, done(2001, 'failed'));
    store.insertDatadiff(done(2501));
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.listsInMemory()).toBe(true);
    expect(store.listDatadiffs(query(doneFrom2)).count).toBe(1249);
    expect(store.listDatadiffs(query([])).count).toBe(2501);
  });
});
