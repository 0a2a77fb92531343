// The bundled Datafold fixtures: two data sources (production as CSV files, development as a SQLite
// database built from its CSVs) whose orders and customers differ in values, rows, duplicate and null
// keys, one column's type and one extra column; and 60 historical data diff records over six months.
// CSV and JSON files are committed (edit them freely); the SQLite file is rebuilt when missing.
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { mulberry32 } from './tables.js';

const root = new URL('../data/datafold/', import.meta.url);
const at = (path: string) => new URL(path, root);
const rand = mulberry32(20261120);
const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'NL', 'ES', 'SE', 'JP', 'BR', 'CA'];
const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger'];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
];
const STATUS = ['placed', 'shipped', 'delivered', 'returned', 'cancelled'];
const csv = (rows: Array<Array<string | number | null>>) =>
  rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(',')).join('\n') + '\n';
const day = (offset: number) =>
  new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

function writeSources(): void {
  const customers: Array<Array<string | number | null>> = [];
  for (let id = 1; id <= 120; id++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    customers.push([
      id,
      `${first} ${last}`,
      `${first}.${last}${id}@example.com`.toLowerCase(),
      pick(COUNTRIES),
      day(Math.floor(rand() * 300)),
    ]);
  }
  const orders: Array<Array<string | number | null>> = [];
  for (let id = 1001; id <= 1500; id++) {
    const quantity = 1 + Math.floor(rand() * 5);
    const amount = Math.round((5 + rand() * 250) * quantity * 100) / 100;
    orders.push([
      id,
      1 + Math.floor(rand() * 120),
      day(Math.floor(rand() * 320)),
      pick(STATUS),
      amount,
      quantity,
      pick([0, 0, 0, 5, 10, 15]),
    ]);
  }
  // Development: 2% of amounts and 1% of statuses changed, 10 orders gone, 15 new ones, 3 keys
  // duplicated, 2 null keys, discount as a REAL, and an extra `channel` column.
  const devOrders = orders
    .filter((o) => Number(o[0]) % 50 !== 7)
    .map((o) => {
      const copy = [...o];
      if (rand() < 0.02) copy[4] = Math.round(Number(copy[4]) * 1.1 * 100) / 100;
      if (rand() < 0.01) copy[3] = 'delivered';
      return [...copy, pick(['web', 'web', 'app', 'store'])];
    });
  for (let id = 1501; id <= 1515; id++)
    devOrders.push([id, 1 + Math.floor(rand() * 120), day(321), 'placed', 42.5, 1, 0, 'app']);
  for (const id of [1100, 1200, 1300]) devOrders.push([id, 7, day(100), 'placed', 9.99, 1, 0, 'web']);
  devOrders.push(
    [null, 8, day(200), 'placed', 19.99, 1, 0, 'web'],
    [null, 9, day(201), 'placed', 29.99, 2, 0, 'app'],
  );
  const devCustomers = customers.map((c) => {
    const copy = [...c];
    if (Number(c[0]) % 17 === 0) copy[3] = pick(COUNTRIES);
    return copy;
  });
  const header = ['order_id', 'customer_id', 'order_date', 'status', 'amount', 'quantity', 'discount'];
  const customerHeader = ['customer_id', 'name', 'email', 'country', 'signup_date'];
  mkdirSync(at('production/'), { recursive: true });
  mkdirSync(at('development/'), { recursive: true });
  writeFileSync(at('production/orders.csv'), csv([header, ...orders]));
  writeFileSync(at('production/customers.csv'), csv([customerHeader, ...customers]));
  writeFileSync(at('development/orders.csv'), csv([[...header, 'channel'], ...devOrders]));
  writeFileSync(at('development/customers.csv'), csv([customerHeader, ...devCustomers]));
}

/** The development warehouse: the dev CSVs as SQLite tables with declared types. */
function buildSqlite(): void {
  const file = at('development/warehouse.sqlite');
  const db = new Database(file.pathname);
  const tables: Array<[string, string, string]> = [
    [
      'orders',
      'development/orders.csv',
      'order_id INTEGER, customer_id INTEGER, order_date TEXT, status TEXT, amount REAL, quantity INTEGER, discount REAL, channel TEXT',
    ],
    [
      'customers',
      'development/customers.csv',
      'customer_id INTEGER, name TEXT, email TEXT, country TEXT, signup_date TEXT',
    ],
  ];
  db.transaction(() => {
    for (const [name, path, columns] of tables) {
      db.exec(`DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (${columns})`);
      const [, ...lines] = readFileSync(at(path), 'utf8').trim().split('\n');
      const width = columns.split(',').length;
      const insert = db.prepare(`INSERT INTO ${name} VALUES (${Array(width).fill('?').join(', ')})`);
      for (const line of lines) insert.run(line.split(',').map((v) => (v === '' ? null : v)));
    }
  })();
  db.close();
}

function writeHistory(): void {
  const records = [];
  const tables = ['ORDERS', 'CUSTOMERS'];
  const users = ['ada', 'grace', 'linus', 'margaret'];
  for (let i = 0; i < 60; i++) {
    const created = Date.UTC(2026, 5, 1) + Math.floor(rand() * 170 * 86_400_000);
    const table = pick(tables);
    const roll = rand();
    const status = roll < 0.1 ? 'failed' : roll < 0.15 ? 'cancelled' : 'done';
    const rowsA = 100 + Math.floor(rand() * 5000);
    const added = Math.floor(rand() * 20);
    const removed = Math.floor(rand() * 20);
    const rowsB = rowsA + added - removed;
    const changed = rand() < 0.35 ? 0 : Math.floor(rand() * rowsA * 0.05);
    const dupes = rand() < 0.1 ? 2 + Math.floor(rand() * 6) : 0;
    const result =
      status === 'failed'
        ? 'error'
        : status === 'cancelled'
          ? null
          : dupes > 0
            ? 'bad-pks'
            : added + removed + changed > 0
              ? 'different'
              : 'identical';
    const compared = rowsA - removed;
    const columns = table === 'ORDERS' ? 6 : 4;
    const stats =
      status === 'done'
        ? {
            diff_duplicate_pks: dupes,
            diff_null_pks: 0,
            diff_pks: Math.round(((added + removed) / (rowsA + added)) * 1e6) / 1e6,
            diff_ratio: Math.round(((changed * 2) / ((rowsA + rowsB) * (columns + 1))) * 1e6) / 1e6,
            diff_rows: Math.round((changed / compared) * 1e6) / 1e6,
            diff_rows_count: changed,
            diff_rows_number: changed,
            diff_schema: 0,
            diff_values: Math.round((changed / (compared * columns)) * 1e6) / 1e6,
            errors: 0,
            exclusive_ratio: Math.round(((added + removed) / (rowsA + rowsB)) * 1e6) / 1e6,
            match_ratio: Math.round((1 - (changed * 2) / ((rowsA + rowsB) * (columns + 1))) * 1e6) / 1e6,
            rows_added: added,
            rows_removed: removed,
            sampled: false,
            table_a_row_count: rowsA,
            table_b_row_count: rowsB,
            version: '1',
          }
        : null;
    const runtime = Math.round((2 + rand() * 120) * 1000) / 1000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000+00:00');
    const ci = rand() < 0.4;
    records.push({
      id: 100 + i,
      user_id: 1 + (i % users.length),
      user_name: users[i % users.length],
      data_source1_id: 1,
      data_source2_id: 2,
      table1: ['ANALYTICS', 'PUBLIC', table],
      table2: ['ANALYTICS', 'DEV', table],
      pk_columns: [table === 'ORDERS' ? 'order_id' : 'customer_id'],
      kind: 'cross_db',
      algorithm: 'fetch_and_join',
      status,
      done: true,
      result,
      source: ci ? 'ci' : pick(['api', 'interactive', 'schedule']),
      ...(ci && {
        ci_pr_num: 200 + i,
        ci_pr_branch: `feature/change-${i}`,
        ci_pr_username: users[(i + 1) % users.length],
        ci_type: 'github',
      }),
      tags: rand() < 0.3 ? ['nightly'] : [],
      archived: i % 13 === 0,
      diff_stats: stats,
      result_statuses: status === 'done' ? { pks: 'done', values: 'done', schema: 'done' } : {},
      created_at: iso(created),
      updated_at: iso(created + runtime * 1000),
      finished_at: iso(created + runtime * 1000),
      runtime,
      summary_results:
        status === 'failed'
          ? {
              status: 'failed',
              error: { error_type: 'NoSuchTableException', error_value: `ANALYTICS.DEV.${table}_OLD` },
            }
          : status === 'done'
            ? {
                status: 'success',
                pks: {
                  total_rows: [rowsA, rowsB + dupes],
                  nulls: [0, 0],
                  dupes: [0, dupes],
                  exclusives: [removed, added],
                  distincts: [rowsA, rowsB],
                },
                values: {
                  total_rows: compared,
                  rows_with_differences: changed,
                  total_values: compared * columns,
                  values_with_differences: changed,
                  compared_columns: columns,
                  columns_with_differences: changed > 0 ? 1 : 0,
                  columns_diff_stats: [
                    {
                      column_name: table === 'ORDERS' ? 'amount' : 'country',
                      match: Math.round(((100 * (compared - changed)) / compared) * 100) / 100,
                      values_different: changed,
                    },
                  ],
                },
              }
            : undefined,
    });
  }
  records.sort((a, b) => a.created_at.localeCompare(b.created_at)).forEach((r, i) => (r.id = 100 + i));
  writeFileSync(at('datadiffs.json'), JSON.stringify(records, null, 1) + '\n');
}

/** Writes what is missing; `force` rewrites the committed CSV and JSON files too. */
export function generateDatafoldFixtures(force = false): void {
  if (force || !existsSync(at('production/orders.csv'))) writeSources();
  if (force || !existsSync(at('datadiffs.json'))) writeHistory();
  if (force || !existsSync(at('development/warehouse.sqlite'))) buildSqlite();
}
