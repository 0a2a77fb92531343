// Stored data-frame compares: one `compares` row per compare and its derived rows as JSON text.
// Rows are written in batches under a fresh *generation* and made visible by one small commit, so a
// compare of a million rows never holds the database (or the event loop) in one long transaction,
// and a crash half-way leaves the old compare intact (the orphan rows are dropped at the next start).
import type { DfPlan, FilterOp } from '../engine/df-opts.js';
import type { Db } from './db.js';

export interface StoredCompare {
  left_commit: string;
  right_commit: string;
  columns: Array<{ name: string; dtype: string }>;
  height: number;
  generation: number;
}

/** One page of a derived-frame view. */
export type RowQuery = DfPlan & { offset: number; limit: number };

const SQL_OPS: Record<FilterOp, string> = {
  '==': '=',
  '!=': '!=',
  '>': '>',
  '<': '<',
  '>=': '>=',
  '<=': '<=',
};
const path = (column: string) => `$."${column}"`;

/**
 * Rows one INSERT writes: a million rows went in 2.7 s one statement each and 1.4 s fifty to a
 * statement (bindings and calls into SQLite per statement, not per row); more gained nothing.
 */
const ROWS_PER_INSERT = 50;
const INSERT_ROWS = `INSERT INTO compare_rows (repo_id, compare_id, generation, idx, row)
  VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?)').join(', ')}`;

export class CompareStore {
  private readonly s;
  private generation: number;
  /** Per compare, the generation a delete removed: older in-flight writes must not revive it. */
  private readonly deletedUpTo = new Map<string, number>();
  private readonly queries = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      get: p(
        'SELECT left_commit, right_commit, columns, height, generation FROM compares WHERE repo_id = ? AND compare_id = ?',
      ),
      generation: p('SELECT generation FROM compares WHERE repo_id = ? AND compare_id = ?').pluck(),
      repoExists: p('SELECT 1 FROM repos WHERE id = ?').pluck(),
      upsert: p(
        `INSERT INTO compares (repo_id, compare_id, left_commit, right_commit, columns, height, generation)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo_id, compare_id) DO UPDATE SET left_commit = excluded.left_commit,
           right_commit = excluded.right_commit, columns = excluded.columns, height = excluded.height,
           generation = excluded.generation`,
      ),
      insertRow: p(
        'INSERT INTO compare_rows (repo_id, compare_id, generation, idx, row) VALUES (?, ?, ?, ?, ?)',
      ),
      insertRows: p(INSERT_ROWS),
      rows: p(
        'SELECT row FROM compare_rows WHERE repo_id = ? AND compare_id = ? AND generation = ? AND idx >= ? AND idx < ? ORDER BY idx',
      ).pluck(),
      delete: p('DELETE FROM compares WHERE repo_id = ? AND compare_id = ?'),
      deleteRowsBelow: p(
        `DELETE FROM compare_rows WHERE (repo_id, compare_id, generation, idx) IN (
           SELECT repo_id, compare_id, generation, idx FROM compare_rows
           WHERE repo_id = ? AND compare_id = ? AND generation < ? LIMIT ?)`,
      ),
      deleteGeneration: p(
        `DELETE FROM compare_rows WHERE (repo_id, compare_id, generation, idx) IN (
           SELECT repo_id, compare_id, generation, idx FROM compare_rows
           WHERE repo_id = ? AND compare_id = ? AND generation = ? LIMIT ?)`,
      ),
    };
    // Rows of a compare that was being written when the process stopped belong to no compare.
    db.prepare(
      `DELETE FROM compare_rows WHERE NOT EXISTS (SELECT 1 FROM compares c WHERE c.repo_id = compare_rows.repo_id
         AND c.compare_id = compare_rows.compare_id AND c.generation = compare_rows.generation)`,
    ).run();
    this.generation = db.prepare('SELECT coalesce(max(generation), 0) FROM compares').pluck().get() as number;
  }

  /** A generation number newer than every stored or in-flight one. */
  newGeneration(): number {
    return ++this.generation;
  }

  appendRows(repoId: number, compareId: string, generation: number, start: number, rows: string[]): void {
    this.db.transaction(() => {
      const params: unknown[] = [];
      let i = 0;
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        params.length = 0;
        for (let k = i; k < i + ROWS_PER_INSERT; k++)
          params.push(repoId, compareId, generation, start + k, rows[k]);
        this.s.insertRows.run(params);
      }
      for (; i < rows.length; i++) this.s.insertRow.run(repoId, compareId, generation, start + i, rows[i]);
    })();
  }

  /**
   * Makes `compare` (whose rows are written under its generation) the visible one. False, and
   * nothing changed, when a newer generation was committed or deleted meanwhile, or the repository
   * went away: the caller then drops its rows.
   */
  commit(repoId: number, compareId: string, compare: StoredCompare): boolean {
    return this.db.transaction(() => {
      const current = this.s.generation.get(repoId, compareId) as number | undefined;
      const floor = Math.max(current ?? 0, this.deletedUpTo.get(`${repoId}/${compareId}`) ?? 0);
      if (floor > compare.generation || !this.s.repoExists.get(repoId)) return false;
      this.s.upsert.run(
        repoId,
        compareId,
        compare.left_commit,
        compare.right_commit,
        JSON.stringify(compare.columns),
        compare.height,
        compare.generation,
      );
      return true;
    })();
  }

  /** Deletes up to `limit` rows older than `generation`; returns how many went. */
  dropRowsBelow(repoId: number, compareId: string, generation: number, limit: number): number {
    return this.s.deleteRowsBelow.run(repoId, compareId, generation, limit).changes;
  }

  /** Deletes up to `limit` rows of exactly `generation`; returns how many went. */
  dropGeneration(repoId: number, compareId: string, generation: number, limit: number): number {
    return this.s.deleteGeneration.run(repoId, compareId, generation, limit).changes;
  }

  get(repoId: number, compareId: string): StoredCompare | undefined {
    const row = this.s.get.get(repoId, compareId) as (StoredCompare & { columns: string }) | undefined;
    return row && { ...row, columns: JSON.parse(row.columns) as StoredCompare['columns'] };
  }

  /**
   * Hides a compare at once and returns a bound: its rows, and those of older writes still in
   * flight, are then dropped with dropRowsBelow(bound). Writes started later are not affected.
   */
  delete(repoId: number, compareId: string): number {
    const bound = this.generation + 1;
    this.s.delete.run(repoId, compareId);
    this.deletedUpTo.set(`${repoId}/${compareId}`, bound);
    return bound;
  }

  /** Rows [start, end) as the JSON text they were stored as. */
  rows(repoId: number, compareId: string, generation: number, start: number, end: number): string[] {
    return this.s.rows.all(repoId, compareId, generation, start, end) as string[];
  }

  /** One page of a view of the rows (filter, sort, reverse, take, slice, columns) and the view's height. */
  query(
    repoId: number,
    compareId: string,
    generation: number,
    q: RowQuery,
  ): { total: number; rows: string[] } {
    const params: unknown[] = [repoId, compareId, generation];
    let where = '';
    if (q.filter && q.filter.terms.length > 0) {
      const parts = q.filter.terms.map((t, i) => {
        params.push(path(t.column), t.value);
        const term = `json_extract(row, ?) ${SQL_OPS[t.op]} ?`;
        return i === 0 ? term : `${q.filter!.joins[i - 1] === '||' ? 'OR' : 'AND'} ${term}`;
      });
      // polars chains `expr.and(next)` / `expr.or(next)` left to right: nest to keep that order.
      where = ` AND ${parts.reduce((acc, part) => `(${acc} ${part})`)}`;
    }
    const direction = q.reverse ? 'DESC' : 'ASC';
    let order = `idx ${direction}`;
    if (q.sortBy !== undefined) {
      params.push(path(q.sortBy));
      order = `json_extract(row, ?) ${direction}, idx ${direction}`;
    }
    let picked = 'SELECT row, n FROM ordered';
    if (q.take) {
      const values = q.take.map((_, i) => `(${i}, ?)`).join(', ');
      params.push(...q.take);
      picked = `SELECT o.row, t.column1 AS n FROM ordered o JOIN (VALUES ${values}) t ON o.n = t.column2`;
    }
    const slice = q.slice ?? { start: 0, end: Number.MAX_SAFE_INTEGER };
    params.push(slice.start, slice.end);
    const view = `WITH base AS (SELECT row, idx FROM compare_rows
        WHERE repo_id = ? AND compare_id = ? AND generation = ?${where}),
      ordered AS (SELECT row, ROW_NUMBER() OVER (ORDER BY ${order}) - 1 AS n FROM base),
      picked AS (${picked}),
      view AS (SELECT row, n FROM picked WHERE n >= ? AND n < ?)`;
    const total = this.prepared(`${view} SELECT count(*) FROM view`)
      .pluck()
      .get(...params) as number;
    const projection = q.columns
      ? `json_object(${q.columns.map(() => '?, json(row -> ?)').join(', ')})`
      : 'row';
    const projectionParams = (q.columns ?? []).flatMap((c) => [c, path(c)]);
    const rows = this.prepared(`${view} SELECT ${projection} FROM view ORDER BY n LIMIT ? OFFSET ?`)
      .pluck()
      .all(...params, ...projectionParams, q.limit, q.offset) as string[];
    return { total, rows };
  }

  private prepared(sql: string) {
    let statement = this.queries.get(sql);
    if (!statement) {
      if (this.queries.size > 200) this.queries.clear();
      statement = this.db.prepare(sql);
      this.queries.set(sql, statement);
    }
    return statement;
  }
}
