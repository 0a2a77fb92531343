// Datafold data sources (their tables as JSON, in parts: parts.ts) and data diff records. Records are
// kept as the JSON the API answers with; list filters and sorting use the generated columns of
// datafold-fields.ts, and list counts (and pages SQLite would sort many records for) the copy of those
// columns in memory (record-columns.ts).
import type { Db } from './db.js';
import { COLUMN_ROW, columnOf } from './datafold-fields.js';
import { DatadiffLists, type ListPage, type ListQuery } from './datafold-lists.js';
import { joinParts, partsOf } from './parts.js';
import { RecordColumns } from './record-columns.js';

export type { ListPage, ListQuery, Match } from './datafold-lists.js';

export interface SourceRow {
  id: number;
  name: string;
}
export interface StoredTable {
  name: string;
  /**
   * The table's bytes (table-bytes.ts in services/compute: typed columns laid out for a data diff to
   * read where they lie), or the chunks they are made of, one after the other, stored joined. Tables
   * stored before are JSON text of `{columns, values}` or `{columns, rows}` (table-json.ts), which
   * still read.
   */
  data: Uint8Array | readonly Uint8Array[];
}
export type Json = Record<string, unknown>;
export interface StoredDatadiff {
  record: Json;
  hidden: Json;
  summaryResults: Json | null;
}

/** Each write returns the record's id and generated columns, for the in-memory columns. */
const RETURNING = `RETURNING ${COLUMN_ROW}`;

export class DatafoldStore {
  private readonly s;
  /**
   * The sort fields of every record, in memory, to count and page lists by (record-columns.ts). Every write to
   * df_datadiffs goes through this class, which keeps them; a transaction that fails drops them.
   */
  private readonly columns = new RecordColumns();
  private readonly lists;

  /**
   * `inMemory: false` counts and pages every list in SQL (tests hold the two ways to each other);
   * `rememberPages: false` reads every page again (bench/datafold.ts times the reads).
   */
  constructor(
    private readonly db: Db,
    options: { inMemory?: boolean; rememberPages?: boolean } = {},
  ) {
    this.lists = new DatadiffLists(db, this.columns, {
      inMemory: options.inMemory !== false,
      rememberPages: options.rememberPages !== false,
    });
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
      datadiff: p('SELECT record, hidden, summary_results FROM df_datadiffs WHERE id = ?'),
      unfinished: p(
        `SELECT id FROM df_datadiffs WHERE ${columnOf('status')} IN ('waiting', 'processing') ORDER BY id`,
      ).pluck(),
    };
  }

  /** Creates or replaces a data source and all its tables, in one transaction. */
  replaceSource(source: SourceRow, tables: StoredTable[]): void {
    this.db.transaction(() => {
      this.s.deleteTables.run(source.id);
      this.s.deleteSource.run(source.id);
      this.s.insertSource.run(source.id, source.name);
      for (const t of tables)
        for (const [part, bytes] of partsOf(t.data).entries())
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
    // the in-memory columns get ready for ranges and sorts.
    if (items.length >= 1000) {
      this.db.exec('ANALYZE df_datadiffs');
      this.columns.afterBulkWrite();
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

  /**
   * A number that changes whenever anything is written through this store's database connection
   * (SQLite's total_changes()): what was read at the same number is still what is stored.
   */
  changes(): number {
    return this.lists.changes();
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

  /** Readies lists in the background (DatadiffLists.warmUp), until done or `stopped()`. */
  warmUpLists(stopped: () => boolean): Promise<void> {
    return this.lists.warmUp(stopped);
  }

  /** Whether lists come from the in-memory columns now (they are built and kept). */
  listsInMemory(): boolean {
    return this.lists.listsInMemory();
  }

  /**
   * One page of records matching `q`, as their stored JSON texts (with `omit`, each without that
   * top-level field), and how many match in all.
   */
  listDatadiffs(q: ListQuery, omit?: string): ListPage {
    return this.lists.list(q, omit);
  }
}
