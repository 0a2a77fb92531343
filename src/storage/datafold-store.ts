// Datafold data sources (their tables as JSON, in parts: parts.ts) and data diff records. Records are
// kept as the JSON the API answers with; list filters and sorting use the generated columns of
// datafold-fields.ts.
import type { Db } from './db.js';
import { columnOf, SORT_FIELDS } from './datafold-fields.js';
import { joinParts, partsOf } from './parts.js';
import { COLUMN_FIELDS, RecordColumns } from './record-columns.js';

export interface SourceRow {
  id: number;
  name: string;
}
export interface StoredTable {
  name: string;
  /** JSON of `{columns: [{name, dtype}], rows: Cell[][]}`. */
  data: string;
}
export type Json = Record<string, unknown>;
export interface StoredDatadiff {
  record: Json;
  hidden: Json;
  summaryResults: Json | null;
}

/** One alternative of a list filter on one field. */
export type Match =
  | { op: 'eq'; value: string | number | null }
  | { op: 'range'; from?: string; to?: string }
  | { op: 'element'; value: string }
  /** A table path, matched case-insensitively as its segments joined by '.'. */
  | { op: 'path'; value: string };

export interface ListQuery {
  /** Conditions on sort fields: alternatives of one field are OR-ed, fields are AND-ed. */
  where: Array<{ field: string; anyOf: Match[] }>;
  orderBy: string;
  descending: boolean;
  offset: number;
  limit: number;
}

/** From this many rows skipped, a page is read through its ids (see listDatadiffs). */
const DEEP_PAGE = 1_000;

/** How many list counts are remembered at most. */
const MAX_COUNTS = 128;

/** Records read per turn of the event loop when the in-memory columns are built from the table. */
const BUILD_ROWS = 1_000;

/** Each write returns the record's id and generated columns, for the in-memory columns. */
const RETURNING = `RETURNING id, ${COLUMN_FIELDS.map(columnOf).join(', ')}`;

export class DatafoldStore {
  private readonly s;
  /**
   * The sort fields of every record, in memory, to count lists by (record-columns.ts). Every write to
   * df_datadiffs goes through this class, which keeps them; a transaction that fails drops them.
   */
  private readonly columns = new RecordColumns();

  /** `countInMemory: false` counts every list in SQL (tests hold the two ways to each other). */
  constructor(
    private readonly db: Db,
    private readonly options: { countInMemory?: boolean } = {},
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      source: p('SELECT id, name FROM df_sources WHERE id = ?'),
      sources: p('SELECT id, name FROM df_sources ORDER BY id'),
      tablePartSizes: p(
        'SELECT name, part, length(data) AS size FROM df_table_parts WHERE source_id = ? ORDER BY name, part',
      ),
      tablePart: p('SELECT data FROM df_table_parts WHERE source_id = ? AND name = ? AND part = ?').pluck(),
      tableNames: p('SELECT name FROM df_table_parts WHERE source_id = ? AND part = 0 ORDER BY name').pluck(),
      deleteSource: p('DELETE FROM df_sources WHERE id = ?'),
      deleteTables: p('DELETE FROM df_table_parts WHERE source_id = ?'),
      insertSource: p('INSERT INTO df_sources (id, name) VALUES (?, ?)'),
      insertTablePart: p('INSERT INTO df_table_parts (source_id, name, part, data) VALUES (?, ?, ?, ?)'),
      nextId: p('SELECT coalesce(max(id), 0) + 1 FROM df_datadiffs').pluck(),
      insertDatadiff: p(
        `INSERT OR REPLACE INTO df_datadiffs (id, record, hidden, summary_results) VALUES (?, ?, ?, ?) ${RETURNING}`,
      ).raw(),
      updateRecord: p(`UPDATE df_datadiffs SET record = ? WHERE id = ? ${RETURNING}`).raw(),
      updateAll: p(`UPDATE df_datadiffs SET record = ?, summary_results = ? WHERE id = ? ${RETURNING}`).raw(),
      columnRows: p(
        `SELECT id, ${COLUMN_FIELDS.map(columnOf).join(', ')} FROM df_datadiffs WHERE id > ? ORDER BY id LIMIT ?`,
      ).raw(),
      datadiff: p('SELECT record, hidden, summary_results FROM df_datadiffs WHERE id = ?'),
      unfinished: p(
        `SELECT id FROM df_datadiffs WHERE ${columnOf('status')} IN ('waiting', 'processing') ORDER BY id`,
      ).pluck(),
      // Rows changed through this connection since it opened: any write at all changes it.
      changes: p('SELECT total_changes()').pluck(),
    };
  }

  /**
   * List counts by query, each with the number of changes it was counted at. Paging through a list
   * counts the same rows for every page, and a count on several filters can read tens of thousands of
   * rows (see listDatadiffs); it is counted again only once anything was written.
   */
  private readonly counts = new Map<string, { changes: number; count: number }>();

  /** Creates or replaces a data source and all its tables, in one transaction. */
  replaceSource(source: SourceRow, tables: StoredTable[]): void {
    this.db.transaction(() => {
      this.s.deleteTables.run(source.id);
      this.s.deleteSource.run(source.id);
      this.s.insertSource.run(source.id, source.name);
      for (const t of tables)
        for (const [part, bytes] of partsOf(Buffer.from(t.data)).entries())
          this.s.insertTablePart.run(source.id, t.name, part, bytes);
    })();
  }

  getSource(id: number): SourceRow | undefined {
    return this.s.source.get(id) as SourceRow | undefined;
  }

  listSources(): SourceRow[] {
    return this.s.sources.all() as SourceRow[];
  }

  /**
   * A source's tables, their JSON as UTF-8 bytes: a data diff sends them to its child process, and
   * bytes go as they are where a string would be decoded here and encoded again for the trip. Read a
   * part per turn of the event loop (parts.ts); a table replaced or removed meanwhile is left out.
   */
  async readTables(sourceId: number): Promise<Array<{ name: string; data: Buffer }>> {
    const sizes = new Map<string, number[]>();
    for (const { name, size } of this.s.tablePartSizes.all(sourceId) as Array<{ name: string; size: number }>)
      (sizes.get(name) ?? sizes.set(name, []).get(name)!).push(size);
    const tables: Array<{ name: string; data: Buffer }> = [];
    for (const [name, partSizes] of sizes) {
      const data = await joinParts(
        partSizes,
        (part) => this.s.tablePart.get(sourceId, name, part) as Buffer | undefined,
      );
      if (data) tables.push({ name, data });
    }
    return tables;
  }

  tableNames(sourceId: number): string[] {
    return this.s.tableNames.all(sourceId) as string[];
  }

  /** Runs `fn` in one transaction: all of its writes land, or none (a fixture that fails to load). */
  atomically<T>(fn: () => T): T {
    return this.transact(fn);
  }

  /** Removes every data source and data diff (the reset before fixtures are loaded again). */
  clear(): void {
    this.transact(() => {
      for (const table of ['df_sources', 'df_table_parts', 'df_datadiffs'])
        this.db.prepare(`DELETE FROM ${table}`).run();
      this.columns.empty();
    });
  }

  /**
   * Stores a record under its `id`, or under the next free id when it has none (which is then
   * written into the record). Replaces a record with the same id. Returns the id.
   */
  insertDatadiff(record: Json, hidden: Json = {}, summaryResults: Json | null = null): number {
    return this.transact(() => {
      const id = typeof record.id === 'number' ? record.id : (this.s.nextId.get() as number);
      const withId = { ...record, id };
      this.columns.put(
        this.s.insertDatadiff.get(
          id,
          JSON.stringify(withId),
          JSON.stringify(hidden),
          summaryResults && JSON.stringify(summaryResults),
        ) as unknown[],
      );
      return id;
    });
  }

  /** Many records in one transaction (fixtures and the admin API). */
  insertDatadiffs(items: Array<{ record: Json; hidden?: Json; summaryResults?: Json | null }>): number[] {
    const ids = this.transact(() =>
      items.map((i) => this.insertDatadiff(i.record, i.hidden ?? {}, i.summaryResults ?? null)),
    );
    // After a bulk load, fresh statistics let the planner pick the narrowest index for a filter, and
    // the in-memory dates are sorted for ranges.
    if (items.length >= 1000) {
      this.db.exec('ANALYZE df_datadiffs');
      this.columns.sortDates();
    }
    return ids;
  }

  updateRecord(id: number, record: Json, summaryResults?: Json | null): void {
    const row =
      summaryResults === undefined
        ? this.s.updateRecord.get(JSON.stringify(record), id)
        : this.s.updateAll.get(JSON.stringify(record), summaryResults && JSON.stringify(summaryResults), id);
    if (row) this.columns.put(row as unknown[]);
  }

  /**
   * Runs `fn` in a transaction. The in-memory columns take each write as it is made, so when a
   * transaction fails (and SQLite rolls its writes back) they are dropped, to be built again.
   */
  private transact<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (error) {
      this.columns.reset();
      throw error;
    }
  }

  getDatadiff(id: number): StoredDatadiff | undefined {
    const row = this.s.datadiff.get(id) as
      { record: string; hidden: string; summary_results: string | null } | undefined;
    return (
      row && {
        record: JSON.parse(row.record) as Json,
        hidden: JSON.parse(row.hidden) as Json,
        summaryResults: row.summary_results === null ? null : (JSON.parse(row.summary_results) as Json),
      }
    );
  }

  hasDatadiffs(): boolean {
    return this.db.prepare('SELECT 1 FROM df_datadiffs LIMIT 1').get() !== undefined;
  }

  /** Ids of records that were waiting or processing (to resume after a restart). */
  unfinished(): number[] {
    return this.s.unfinished.all() as number[];
  }

  /**
   * A list's count from the in-memory columns, or undefined when SQL must count it: they are not
   * built yet (the first list on a database that already held records starts building them, a
   * slice per turn of the event loop), or they cannot test one of the filters as SQL does.
   */
  private countInMemory(where: ListQuery['where']): number | undefined {
    if (this.options.countInMemory === false || this.db.inTransaction) return undefined;
    if (this.columns.state === 'unbuilt') this.buildColumns();
    return this.columns.count(where);
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

  /** Whether list counts come from the in-memory columns now (they are built and kept). */
  countsInMemory(): boolean {
    return this.options.countInMemory !== false && this.columns.state === 'ready';
  }

  /** The count `sql` gives, from the in-memory columns when they can give it, remembered per query. */
  private countOf(sql: string, params: unknown[], where: ListQuery['where']): number {
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    const changes = this.s.changes.get() as number;
    const known = this.counts.get(key);
    if (known?.changes === changes) return known.count;
    const count =
      this.countInMemory(where) ??
      (this.db
        .prepare(sql)
        .pluck()
        .get(...params) as number);
    if (this.counts.size >= MAX_COUNTS) this.counts.clear();
    this.counts.set(key, { changes, count });
    return count;
  }

  /** One page of records matching `q`, and how many match in all. */
  listDatadiffs(q: ListQuery): { count: number; records: Json[] } {
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
    // When each of two fields or more is to equal one value, the ids of each field's matches (read
    // from its index, in id order) are intersected by a merge. For a plain AND, SQLite reads one index
    // and looks up the row of each of its matches to test the other fields: 15-30 ms for tens of
    // thousands of matches among 100,000. Ranges and alternatives keep the plain AND, as their ids would need sorting first
    // (and so does id, which has no index of its own: the table is in id order).
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
    if (q.offset < DEEP_PAGE && clauses.length === 0) {
      const records = this.db
        .prepare(`SELECT record FROM df_datadiffs ${page}`)
        .pluck()
        .all(...params, q.limit, q.offset) as string[];
      return { count, records: records.map((r) => JSON.parse(r) as Json) };
    }
    // A deep or filtered page: its ids first, then their records, so that stepping over the rows
    // before it, or sorting the rows that match, walks the narrow (field, id) indexes rather than
    // the wide rows.
    const ids = this.db
      .prepare(`SELECT id FROM df_datadiffs ${page}`)
      .pluck()
      .all(...params, q.limit, q.offset) as number[];
    const byId = new Map(
      (
        this.db
          .prepare(`SELECT id, record FROM df_datadiffs WHERE id IN (SELECT value FROM json_each(?))`)
          .all(JSON.stringify(ids)) as Array<{ id: number; record: string }>
      ).map((r) => [r.id, r.record]),
    );
    return { count, records: ids.map((id) => JSON.parse(byId.get(id)!) as Json) };
  }
}
