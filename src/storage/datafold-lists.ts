// Lists of Datafold data diff records: a count and a page from the in-memory columns
// (record-columns.ts) when they can give them, in SQL when not, through the generated, indexed
// columns of datafold-fields.ts.
import type { Db } from './db.js';
import { COLUMN_ROW, columnOf, SORT_FIELDS } from './datafold-fields.js';
import { warmUpListCode } from './list-warm-up.js';
import { UntilWrite } from './until-write.js';
import type { RecordColumns } from './record-columns.js';

/** One alternative of a list filter on one field. */
export type Match =
  | { op: 'eq'; value: string | number | null }
  | { op: 'range'; from?: string; to?: string }
  | { op: 'element'; value: string }
  /** A table path, matched case-insensitively as its segments joined by '.'. */
  | { op: 'path'; value: string };

/** A page of a list: how many records match in all, and the page's records as JSON texts. */
export interface ListPage {
  count: number;
  /** Shared with later reads of the same page: not to be changed. */
  readonly texts: readonly string[];
}

export interface ListQuery {
  /** Conditions on sort fields: alternatives of one field are OR-ed, fields are AND-ed. */
  where: Array<{ field: string; anyOf: Match[] }>;
  orderBy: string;
  descending: boolean;
  offset: number;
  limit: number;
}

/** From this many rows skipped, a page is read through its ids (see list). */
const DEEP_PAGE = 1_000;

/** From this many records that pass, a page SQLite would sort is picked in memory (see list). */
const SORT_IN_MEMORY_FROM = 1_000;

/** How many list counts are remembered at most. */
const MAX_COUNTS = 128;

/** How many list pages are remembered at most, and how many characters of their records in all. */
const MAX_PAGES = 64;
const MAX_PAGE_CHARS = 1 << 22;

/** Records read per turn of the event loop when the in-memory columns are built from the table. */
const BUILD_ROWS = 1_000;

export class DatadiffLists {
  private readonly s;
  /**
   * List counts by query, each with the number of changes it was counted at. Paging through a list
   * counts the same rows for every page, and a count in SQL on several filters can read tens of
   * thousands of rows (see list); it is counted again only once anything was written.
   */
  private readonly counts = new UntilWrite<number>(() => this.changes(), MAX_COUNTS);
  /**
   * List pages by query, until anything is written: a client polling a list asks for the same page
   * again and again.
   */
  private readonly pages = new UntilWrite<ListPage>(
    () => this.changes(),
    MAX_PAGES,
    MAX_PAGE_CHARS,
    (page) => page.texts.reduce((sum, text) => sum + text.length, 0),
  );

  private readonly inMemory: boolean;
  private readonly rememberPages: boolean;

  /**
   * `columns` are the store's, which its writes keep; `inMemory: false` does every list in SQL, and
   * `rememberPages: false` reads every page again.
   */
  constructor(
    private readonly db: Db,
    private readonly columns: RecordColumns,
    options: { inMemory: boolean; rememberPages: boolean },
  ) {
    this.inMemory = options.inMemory;
    this.rememberPages = options.rememberPages;
    this.s = {
      columnRows: db.prepare(`SELECT ${COLUMN_ROW} FROM df_datadiffs WHERE id > ? ORDER BY id LIMIT ?`).raw(),
      changes: db.prepare('SELECT total_changes()').pluck(),
    };
  }

  /**
   * Whether the in-memory columns can give lists now. They are not built on a database that already
   * held records: the first list starts building them, a slice per turn of the event loop.
   */
  private columnsReady(): boolean {
    if (!this.inMemory || this.db.inTransaction) return false;
    if (this.columns.state === 'unbuilt') this.buildColumns();
    return this.columns.state === 'ready';
  }

  private buildColumns(): void {
    const generation = this.columns.startBuild();
    let after = -Infinity;
    const step = () => {
      if (!this.db.open || !this.columns.isBuilding(generation)) return;
      const rows = this.s.columnRows.all(after, BUILD_ROWS) as unknown[][];
      for (const row of rows) this.columns.put(row);
      if (rows.length < BUILD_ROWS) this.columns.finishBuild(generation);
      else {
        after = rows[rows.length - 1]![0] as number;
        setImmediate(step);
      }
    };
    setImmediate(step);
  }

  /**
   * Runs the columns' code over made-up records (list-warm-up.ts), then starts building the columns
   * of a database that already held records, as a first list would: lists soon after a start then
   * need neither wait.
   */
  async warmUp(stopped: () => boolean): Promise<void> {
    if (!this.inMemory) return;
    await warmUpListCode(stopped);
    if (!stopped() && this.db.open) this.columnsReady();
  }

  /** Rows changed through this connection since it opened: any write at all changes it. */
  changes(): number {
    return this.s.changes.get() as number;
  }

  /** Whether lists come from the in-memory columns now (they are built and kept). */
  listsInMemory(): boolean {
    return this.inMemory && this.columns.state === 'ready';
  }

  /** The count `sql` gives, from the in-memory columns when they can give it, remembered per query. */
  private countOf(sql: string, params: unknown[], where: ListQuery['where']): number {
    return this.counts.get(
      `${sql}\u0000${JSON.stringify(params)}`,
      () =>
        (this.columnsReady() ? this.columns.count(where) : undefined) ??
        (this.db
          .prepare(sql)
          .pluck()
          .get(...params) as number),
    );
  }

  /**
   * One page of records matching `q`, as their stored JSON texts, and how many match in all. With
   * `omit`, each text is without that top-level field: SQLite's json_remove leaves the rest as it was
   * written (JSON.stringify's text), so a list answer is made without parsing a record. A page is
   * remembered (pages) until anything is written.
   */
  list(q: ListQuery, omit?: string): ListPage {
    if (!this.rememberPages) return this.readPage(q, omit);
    return this.pages.get(`${omit ?? ''}\u0000${JSON.stringify(q)}`, () => this.readPage(q, omit));
  }

  private readPage(q: ListQuery, omit: string | undefined): ListPage {
    const text = omit === undefined ? 'record' : `json_remove(record, ${jsonPath(omit)})`;
    const params: unknown[] = [];
    const clauses = q.where.map(({ field, anyOf }) => {
      const col = columnOf(field);
      const alternatives = anyOf.map((m) => {
        if (m.op === 'eq') {
          if (m.value === null) return `${col} IS NULL`;
          params.push(m.value);
          return `${col} = ?`;
        }
        if (m.op === 'range') {
          const parts: string[] = [];
          if (m.from !== undefined) {
            parts.push(`${col} >= ?`);
            params.push(m.from);
          }
          if (m.to !== undefined) {
            parts.push(`${col} < ?`);
            params.push(m.to);
          }
          return parts.length ? `(${parts.join(' AND ')})` : '1';
        }
        if (m.op === 'path') {
          params.push(m.value.toLowerCase());
          return `${col} = ?`;
        }
        params.push(m.value);
        return `EXISTS (SELECT 1 FROM json_each(${col}) WHERE value = ?)`;
      });
      return `(${alternatives.join(' OR ')})`;
    });
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    if (!(q.orderBy in SORT_FIELDS)) throw new Error(`unknown sort field ${q.orderBy}`);
    const dir = q.descending ? 'DESC NULLS FIRST' : 'ASC NULLS LAST';
    const order =
      q.orderBy === 'id' ? `id ${dir}` : `${columnOf(q.orderBy)} ${dir}, id ${q.descending ? 'DESC' : 'ASC'}`;
    // The count in SQL, for when the in-memory columns cannot give it (see countOf). When each of two
    // fields or more is to equal one value, the ids of each field's matches (read from its index, in
    // id order) are intersected by a merge. For a plain AND, SQLite reads one index and looks up the
    // row of each of its matches to test the other fields: 15-40 ms for tens of thousands of matches
    // among 100,000. Ranges and alternatives keep the plain AND, as their ids would need sorting
    // first (and so does id, which has no index of its own: the table is in id order).
    const merge =
      clauses.length > 1 &&
      q.where.every(
        ({ field, anyOf: [only, ...more] }) =>
          field !== 'id' && more.length === 0 && (only?.op === 'eq' || only?.op === 'path'),
      );
    const count = this.countOf(
      merge
        ? `SELECT count(*) FROM (${clauses.map((c) => `SELECT id FROM df_datadiffs WHERE ${c}`).join(' INTERSECT ')})`
        : `SELECT count(*) FROM df_datadiffs ${where}`,
      params,
      q.where,
    );
    const page = `${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    // A page SQLite would sort, reading the row of every record that passes (38 ms for 60,000 of
    // 100,000 records in bench/datafold.ts), is picked from the in-memory columns (1 ms). Where fewer
    // pass, or an index gives the order, SQL is as fast or faster: a page of 817 records that pass,
    // with its texts, took 0.8 ms either way, of 2,000 records 1.7 ms in SQL and 0.9 ms so (timed by
    // hand, among the bench's 100,000).
    if (
      count >= SORT_IN_MEMORY_FROM &&
      this.columnsReady() &&
      this.sortsInSql(`SELECT id FROM df_datadiffs ${page}`, [...params, q.limit, q.offset])
    ) {
      const ids = this.columns.page(q.where, q);
      if (ids) return { count, texts: this.textsOf(ids, text) };
    }
    if (q.offset < DEEP_PAGE && clauses.length === 0) {
      const texts = this.db
        .prepare(`SELECT ${text} FROM df_datadiffs ${page}`)
        .pluck()
        .all(...params, q.limit, q.offset) as string[];
      return { count, texts };
    }
    // A deep or filtered page: its ids first, then their records, so that stepping over the rows
    // before it, or sorting the rows that match, walks the narrow (field, id) indexes rather than
    // the wide rows.
    const ids = this.db
      .prepare(`SELECT id FROM df_datadiffs ${page}`)
      .pluck()
      .all(...params, q.limit, q.offset) as number[];
    return { count, texts: this.textsOf(ids, text) };
  }

  /** Whether SQLite's plan for `sql` sorts what it reads (0.04-0.2 ms to ask). */
  private sortsInSql(sql: string, params: unknown[]): boolean {
    const plan = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return plan.some(({ detail }) => detail.startsWith('USE TEMP B-TREE FOR ORDER BY'));
  }

  /** The `text` (a SQL expression) of the records of `ids`, in that order. */
  private textsOf(ids: readonly number[], text: string): string[] {
    const rows = this.db
      .prepare(`SELECT id, ${text} FROM df_datadiffs WHERE id IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(JSON.stringify(ids)) as Array<[number, string]>;
    const byId = new Map(rows);
    return ids.map((id) => byId.get(id)!);
  }
}

/** A top-level field's JSON path, as a SQL string literal. */
function jsonPath(field: string): string {
  // Quoted in the path, a name can hold any character but a double quote (SQLite's paths have no
  // escape); the literal doubles its single quotes.
  if (field.includes('"')) throw new Error(`no JSON path for the field ${field}`);
  return `'$."${field.replaceAll("'", "''")}"'`;
}
