// A throwaway in-memory SQLite database holding one data source's tables, in which a data diff reads
// its side: a whole table, or the user's read-only query, narrowed by the user's filter (a WHERE
// clause). A side that runs SQL (a query or a filter, readsWithSql) is read inside a data diff's own
// child process, so a query that runs away is stopped by killing that process, and nothing it does
// can touch the server's own database; a whole table needs no SQL, and is read in a worker thread.
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { valueAt } from '../engine/data-column.js';
import type { Dataset } from '../engine/datadiff.js';
import type { Cell, Dtype } from '../engine/frame.js';

export interface ScratchTable extends Dataset {
  name: string;
}
export type ScratchRead = { kind: 'table'; path: string[] } | { kind: 'query'; sql: string };
export type ScratchResult =
  ({ ok: true } & Dataset) | { ok: false; error: { error_type: string; error_value: string } };

/**
 * SQLite's driver, loaded when a side first runs SQL: a data diff of whole tables runs in a compute
 * worker thread, which then does not load it (loading the compute tasks took 43-51 ms so, 51-70 ms with it, by hand).
 */
const openDatabase = (...args: ConstructorParameters<typeof Database>) => {
  const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new Driver(...args);
};

const SQL_TYPE: Record<Dtype, string> = {
  i64: 'INTEGER',
  f64: 'REAL',
  bool: 'BOOLEAN',
  str: 'TEXT',
  null: 'TEXT',
};
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The short name a table can also be called by: its last dotted segment, lower-cased. */
const shortName = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

/**
 * Loads the tables the SQL text can name (their full or short name appears in it), so that a wide
 * table the query does not touch (SQLite allows 2,000 columns) cannot break it, and no time is spent
 * on the others.
 */
function load(db: Database.Database, tables: ScratchTable[], sql: string): void {
  const text = sql.toLowerCase();
  const named = tables.filter((t) => text.includes(shortName(t.name)));
  db.transaction(() => {
    for (const t of named) {
      db.exec(
        `CREATE TABLE ${quote(t.name)} (${t.columns.map((c) => `${quote(c.name)} ${SQL_TYPE[c.dtype]}`).join(', ')})`,
      );
      const insert = db.prepare(
        `INSERT INTO ${quote(t.name)} VALUES (${t.columns.map(() => '?').join(', ')})`,
      );
      const { values, height } = t;
      const row = t.columns.map((): Cell => null);
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < row.length; c++) {
          const v = valueAt(values[c]!, r);
          row[c] = typeof v === 'boolean' ? Number(v) : v;
        }
        insert.run(row);
      }
    }
    // `DB.SCHEMA.ORDERS` can also be named by its last segment, when that is unambiguous.
    const last = new Map<string, string[]>();
    for (const t of tables) last.set(shortName(t.name), [...(last.get(shortName(t.name)) ?? []), t.name]);
    for (const [short, names] of last)
      if (names.length === 1 && names[0]!.toLowerCase() !== short && named.some((t) => t.name === names[0]))
        db.exec(`CREATE VIEW ${quote(short)} AS SELECT * FROM ${quote(names[0]!)}`);
  })();
  db.pragma('query_only = ON');
}

function dtypeOf(declared: string | null, values: Cell[]): Dtype {
  const d = declared?.toUpperCase();
  if (d === 'INTEGER') return 'i64';
  if (d === 'REAL') return 'f64';
  if (d === 'BOOLEAN') return 'bool';
  if (d === 'TEXT') return 'str';
  const present = values.filter((v) => v !== null);
  if (present.length === 0) return 'null';
  if (present.every((v) => typeof v === 'number')) return present.every(Number.isInteger) ? 'i64' : 'f64';
  return 'str';
}

/** All rows of a statement, as columns with their dtypes; BOOLEAN columns read as true/false. */
function rowsOf(statement: Database.Statement): ScratchResult {
  const rows = statement.raw(true).all() as Cell[][];
  const columns = statement.columns();
  const values = columns.map((_, i) => rows.map((r) => r[i] ?? null));
  const typed = columns.map((c, i) => ({ name: c.name, dtype: dtypeOf(c.type, values[i]!) }));
  typed.forEach((c, i) => {
    if (c.dtype === 'bool') values[i] = values[i]!.map((v) => (v === null ? null : v === 1));
  });
  return { ok: true, columns: typed, values, height: rows.length };
}

function failure(message: string): ScratchResult {
  const table = /no such table: (.+)/.exec(message);
  if (table) return { ok: false, error: { error_type: 'NoSuchTableException', error_value: table[1]! } };
  const column = /no such column: (.+)/.exec(message);
  if (column) return { ok: false, error: { error_type: 'NoSuchColumnException', error_value: column[1]! } };
  return { ok: false, error: { error_type: 'QueryError', error_value: message } };
}

/** Whether readScratch reads the side with SQL: a query, or a filter; a whole table needs none. */
export const readsWithSql = (read: { kind: string }, filter: string | null): boolean =>
  read.kind === 'query' || isFilter(filter);

const isFilter = (filter: string | null) => filter !== null && filter.trim() !== '';

/** Reads one side of a data diff from `tables`. */
export function readScratch(tables: ScratchTable[], read: ScratchRead, filter: string | null): ScratchResult {
  const filtered = isFilter(filter);
  let base: string;
  if (read.kind === 'table') {
    const wanted = read.path.join('.').toLowerCase();
    const table = tables.find((t) => t.name.toLowerCase() === wanted);
    if (!table)
      return { ok: false, error: { error_type: 'NoSuchTableException', error_value: read.path.join('.') } };
    // A whole table needs no SQL (and may be wider than SQLite allows); its untyped columns read as
    // TEXT would.
    if (!filtered)
      return {
        ok: true,
        columns: table.columns.map((c) => ({ name: c.name, dtype: c.dtype === 'null' ? 'str' : c.dtype })),
        values: table.values,
        height: table.height,
      };
    base = `SELECT * FROM ${quote(table.name)}`;
  } else base = read.sql.trim().replace(/;\s*$/, '');
  const sql = filtered ? `SELECT * FROM (${base}) WHERE ${filter}` : base;
  const db = openDatabase(':memory:');
  try {
    load(db, tables, sql);
    let statement: Database.Statement;
    try {
      statement = db.prepare(sql);
    } catch (e) {
      return failure((e as Error).message);
    }
    if (!statement.reader || !statement.readonly)
      return {
        ok: false,
        error: {
          error_type: 'QueryError',
          error_value: 'only read-only SELECT queries can run against a data source',
        },
      };
    return rowsOf(statement);
  } catch (e) {
    return failure((e as Error).message);
  } finally {
    db.close();
  }
}

/** A table of a SQLite database file (given as its bytes), with dtypes from the declared types. */
export function readSqliteTable(bytes: Buffer, table: string): ScratchResult {
  let db: Database.Database;
  try {
    db = openDatabase(bytes, { readonly: true });
  } catch (e) {
    return failure((e as Error).message);
  }
  try {
    return rowsOf(db.prepare(`SELECT * FROM ${quote(table)}`));
  } catch (e) {
    return failure((e as Error).message);
  } finally {
    db.close();
  }
}
