// The data diffs use cases: create and launch, read (optionally waiting for the end), list, archive,
// results, summary, cancel. A job moves waiting → processing → done | failed | cancelled; the diff
// itself runs in a worker thread, or in a child process of its own when it runs SQL
// (compute/pool.ts), ended at the time limit or on cancel, and each phase can be held for a minimum
// time so that a frontend sees the progression.
// Jobs left unfinished by a stop are run again at the next start.
import { EventEmitter } from 'node:events';
import { resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { DatadiffOptions, DatadiffOutcome, Tolerance } from '../../engine/datadiff.js';
import type { DatafoldStore, Json } from '../../storage/datafold-store.js';
import { UntilWrite } from '../../storage/until-write.js';
import type { ComputePool } from '../compute/pool.js';
import type { DatasetSpec } from '../compute/datadiff-task.js';
import { DatafoldError, valueError } from './errors.js';
import { readListQuery } from './list-query.js';
import { completeRecord, isoNow, PROGRESS_FIELD, withoutProgress, type RecordShape } from './records.js';

/** A data source's tables, as a data diff sends them to its worker or process. */
type TablesOf = (sourceId: number) => Promise<DatasetSpec['tables']>;

export interface DatadiffTiming {
  /** Each phase (waiting, reading, diffing) lasts at least this long; 0 = as fast as it computes. */
  minPhaseMs: number;
  /** A job still running after this long fails with a TimeoutError (its worker or process is ended). */
  jobTimeoutMs: number;
  /** How long `?poll` waits for a terminal state before answering anyway. */
  pollMs: number;
}

const TERMINAL = new Set(['done', 'failed', 'cancelled']);
const TOTAL_STEPS = 3;
const MOCK_USER_ID = 1;

type Side = 1 | 2;

/** How many times warmUpLists makes the default list's answer. */
const WARM_LISTS = 5;

/** How many answers about single records are remembered at most (see remembered). */
const MAX_ANSWERS = 512;

/** An answer about one record as JSON text. */
interface Answer {
  text: string;
  /** The answer's own status field (for a record, whether it is finished). */
  status: unknown;
}

export class DatadiffService {
  private readonly events = new EventEmitter();
  private readonly running = new Map<number, AbortController>();
  /** Set on shutdown: no job starts or writes after it (unfinished ones resume at the next start). */
  private stopped = false;
  /**
   * Answers about one record (its record, summary results and summary) by route and id, until
   * anything is written: a client waiting for a data diff asks for them again and again.
   */
  private readonly answers = new UntilWrite<Answer>(() => this.store.changes(), MAX_ANSWERS);

  constructor(
    private readonly store: DatafoldStore,
    private readonly compute: ComputePool,
    private readonly shape: RecordShape,
    private readonly timing: DatadiffTiming,
    /** The data directory: `file1`/`file2` must lie under it. */
    private readonly dataDir: string,
  ) {
    this.events.setMaxListeners(0);
  }

  /**
   * Readies lists in the background (DatafoldStore.warmUpLists), then makes the default list's answer
   * a few times, a turn of the event loop each, so that its code has run before a first request
   * (the first list of all took 6.0-8.3 ms so and 8.7-11.1 ms without, over 100,000 records, by
   * hand). Reads only; stops early when `stopped()` says so.
   */
  async warmUpLists(stopped: () => boolean): Promise<void> {
    await this.store.warmUpLists(stopped);
    for (let i = 0; i < WARM_LISTS && !stopped(); i++) {
      this.listText({});
      await nextTurn();
    }
  }

  /** Validated body in, full record out (status waiting); the job starts on the next turn. */
  create(body: Json): Json {
    for (const side of [1, 2] as const) this.checkSide(body, side);
    const now = isoNow();
    const sameSource = body.data_source1_id === body.data_source2_id && !body.file1 && !body.file2;
    const kind = sameSource ? 'in_db' : 'cross_db';
    const files: Json = {};
    for (const side of [1, 2] as const)
      if (body[`file${side}`] != null) files[`file${side}`] = pathToFileURL(this.filePath(body, side)).href;
    const record = completeRecord(this.shape, {
      ...body,
      ...files,
      include_columns: body.include_columns ?? [],
      exclude_columns: body.exclude_columns ?? [],
      algorithm: body.algorithm ?? (kind === 'in_db' ? 'join' : 'fetch_and_join'),
      kind,
      status: 'waiting',
      done: false,
      source: 'api',
      result: null,
      result_statuses: {},
      result_revisions: {},
      diff_stats: null,
      diff_progress: null,
      user_id: MOCK_USER_ID,
      created_at: now,
      updated_at: now,
      finished_at: null,
      runtime: null,
    });
    const id = this.store.insertDatadiff(record);
    setImmediate(() => void this.run(id));
    return withoutProgress({ ...this.store.getDatadiff(id)!.record });
  }

  /** Starts again every job a previous process left waiting or processing. */
  resume(): void {
    for (const id of this.store.unfinished()) {
      const stored = this.store.getDatadiff(id)!;
      this.store.updateRecord(id, { ...stored.record, status: 'waiting', diff_progress: null });
      setImmediate(() => void this.run(id));
    }
  }

  /**
   * The record with diff_progress, as JSON text; with `poll`, after waiting (bounded) for a terminal
   * state. Only the wait returns a promise, so that the route answers every other read in the same
   * turn.
   */
  getText(id: number, poll: boolean): string | Promise<string> {
    const record = this.remembered(`record ${id}`, () => this.require(id));
    if (!poll || TERMINAL.has(record.status as string)) return record.text;
    return this.waitForEnd(id, this.timing.pollMs).then(() => this.getText(id, false));
  }

  /** summaryResults as JSON text, remembered until a write. */
  summaryResultsText(id: number): string {
    return this.remembered(`summary_results ${id}`, () => this.summaryResults(id)).text;
  }

  /** summary as JSON text, remembered until a write. */
  summaryText(id: number): string {
    return this.remembered(`summary ${id}`, () => this.summary(id)).text;
  }

  /** The answer `read` makes, as it was made since the last write, or made now (and kept). */
  private remembered(key: string, read: () => Json): Answer {
    return this.answers.get(key, () => {
      const value = read();
      return { text: JSON.stringify(value), status: value.status };
    });
  }

  /**
   * The list answer as JSON text. Its records are their stored texts without diff_progress, spliced
   * in: a page of 100 records is neither parsed nor written out again.
   */
  listText(query: Record<string, string | string[] | undefined>): string {
    const q = readListQuery(query);
    const { count, texts } = this.store.listDatadiffs(q, PROGRESS_FIELD);
    const head = JSON.stringify({
      count,
      page: q.page,
      page_size: q.limit,
      total_pages: Math.ceil(count / q.limit),
    });
    return `${head.slice(0, -1)},"results":[${texts.join(',')}]}`;
  }

  /** The list answer (ApiDataDiffsList) as a value. */
  list(query: Record<string, string | string[] | undefined>): { count: number; results: Json[] } {
    return JSON.parse(this.listText(query)) as { count: number; results: Json[] };
  }

  update(id: number, patch: { archived?: boolean | null; purged?: boolean | null }): Json {
    const record = this.require(id);
    const next: Json = { ...record, updated_at: isoNow() };
    if (typeof patch.archived === 'boolean') next.archived = patch.archived;
    if (typeof patch.purged === 'boolean') next.purged = patch.purged;
    this.store.updateRecord(id, next);
    return withoutProgress(next);
  }

  private summaryResults(id: number): Json {
    const stored = this.store.getDatadiff(id);
    if (!stored) throw new DatafoldError({ kind: 'not-found', id });
    const status = stored.record.status as string;
    if (stored.summaryResults && TERMINAL.has(status)) return stored.summaryResults;
    if (status === 'cancelled')
      return {
        status: 'failed',
        error: { error_type: 'DataDiffCancelled', error_value: 'The data diff was cancelled' },
      };
    return { status: status === 'processing' ? 'running' : 'pending' };
  }

  private summary(id: number): Json {
    const stored = this.store.getDatadiff(id);
    if (!stored) throw new DatafoldError({ kind: 'not-found', id });
    const r = stored.record;
    const results = stored.summaryResults as {
      pks?: { exclusives: [number, number] };
      values?: { rows_with_differences: number } | null;
      error?: { error_type: string; error_value: string };
    } | null;
    const sourceName = (id: unknown) =>
      typeof id === 'number' ? (this.store.getSource(id)?.name ?? null) : null;
    return {
      id: r.id,
      status: r.status,
      data_source1_id: r.data_source1_id,
      data_source2_id: r.data_source2_id,
      data_source1_name: sourceName(r.data_source1_id),
      data_source2_name: sourceName(r.data_source2_id),
      algorithm: r.algorithm,
      created_at: r.created_at,
      finished_at: r.finished_at,
      diff_stats: r.diff_stats,
      error: results?.error ? `${results.error.error_type}: ${results.error.error_value}` : null,
      feedback: null,
      include_columns: r.include_columns,
      pk_columns: r.pk_columns,
      result: r.result,
      result_status: results?.error
        ? 'failed'
        : TERMINAL.has(r.status as string)
          ? (r.status as string)
          : null,
      results_count:
        (results?.pks?.exclusives[0] ?? 0) +
        (results?.pks?.exclusives[1] ?? 0) +
        (results?.values?.rows_with_differences ?? 0),
      sampling_ratio: r.sampling_ratio ?? null,
      table1: r.table1,
      table2: r.table2,
    };
  }

  /** Stops a waiting or running job; a finished one is left as it is. Answers `{id, status}`. */
  cancel(id: number): { id: number; status: string } {
    const record = this.require(id);
    if (!TERMINAL.has(record.status as string)) {
      const now = isoNow();
      this.store.updateRecord(id, {
        ...record,
        status: 'cancelled',
        done: true,
        finished_at: now,
        updated_at: now,
      });
      this.running.get(id)?.abort(new Error('cancelled'));
      this.events.emit(`end:${id}`);
    }
    return { id, status: this.require(id).status as string };
  }

  /** Aborts running jobs (on shutdown); they are resumed at the next start. */
  stopAll(): void {
    this.stopped = true;
    for (const controller of this.running.values()) controller.abort(new Error('stopping'));
  }

  private require(id: number): Json {
    const stored = this.store.getDatadiff(id);
    if (!stored) throw new DatafoldError({ kind: 'not-found', id });
    return stored.record;
  }

  private async waitForEnd(id: number, ms: number): Promise<void> {
    const ended = new Promise<void>((done) => this.events.once(`end:${id}`, done));
    await Promise.race([ended, sleep(ms, undefined, { ref: false })]);
  }

  /** One side's data source, table/query/file and the checks a Pydantic model validator would make. */
  private checkSide(body: Json, side: Side): void {
    const sourceId = body[`data_source${side}_id`] as number;
    if (!this.store.getSource(sourceId))
      throw valueError(['body', `data_source${side}_id`], `Data source ${sourceId} does not exist`, sourceId);
    const given = ['table', 'query', 'file'].filter((k) => body[`${k}${side}`] != null);
    if (given.length !== 1)
      throw valueError(
        ['body'],
        `exactly one of table${side}, query${side} or file${side} must be given (got ${given.length})`,
        body,
      );
    if (body[`file${side}`] != null) this.filePath(body, side);
  }

  private filePath(body: Json, side: Side): string {
    const uri = body[`file${side}`] as string;
    let path: string | null = null;
    try {
      path = uri.startsWith('file://') ? fileURLToPath(uri) : resolve(this.dataDir, uri);
    } catch {
      // A file URL with a host, or an encoded `/` in a segment: no path at all.
    }
    const root = resolve(this.dataDir);
    if (!this.dataDir || path === null || !(path === root || path.startsWith(root + sep)))
      throw valueError(
        ['body', `file${side}`],
        `file${side} must be a file:// URI or path under the data directory`,
        uri,
      );
    return path;
  }

  private async datasetSpec(record: Json, side: Side, tablesOf: TablesOf): Promise<DatasetSpec> {
    const sourceId = record[`data_source${side}_id`] as number;
    const filter = (record[`filter${side}`] as string | null) ?? null;
    const table = record[`table${side}`] as string[] | null;
    const query = record[`query${side}`] as string | null;
    if (table) return { tables: await tablesOf(sourceId), read: { kind: 'table', path: table }, filter };
    if (query) return { tables: await tablesOf(sourceId), read: { kind: 'query', sql: query }, filter };
    const options = (record[`file${side}_options`] ?? {}) as Json;
    return {
      tables: [],
      read: {
        kind: 'file',
        file: this.filePath(record, side),
        fileType: (options.file_type as string | undefined) ?? 'csv',
        delimiter: (options.delimiter as string | null | undefined) ?? null,
        skipHeadRows: (options.skip_head_rows as number | null | undefined) ?? 0,
        skipTailRows: (options.skip_tail_rows as number | null | undefined) ?? 0,
      },
      filter,
    };
  }

  private optionsOf(record: Json): DatadiffOptions {
    const mode = (record.tolerance_mode as Tolerance['mode'] | null) ?? 'absolute';
    const perColumn = (record.diff_tolerances_per_column ?? []) as Array<{
      column_name: string;
      tolerance_value: number;
      tolerance_mode: Tolerance['mode'];
    }>;
    const modifiers = (record.table_modifiers ?? []) as string[];
    return {
      pkColumns: (record.pk_columns ?? []) as string[],
      includeColumns: record.include_columns as string[] | null,
      excludeColumns: record.exclude_columns as string[] | null,
      columnsToCompare: record.columns_to_compare as string[] | null,
      columnMapping: record.column_mapping as Array<[string, string]> | null,
      tolerance: typeof record.diff_tolerance === 'number' ? { value: record.diff_tolerance, mode } : null,
      perColumnTolerance: Object.fromEntries(
        perColumn.map((t) => [t.column_name, { value: t.tolerance_value, mode: t.tolerance_mode }]),
      ),
      caseInsensitiveStrings: modifiers.includes('case_insensitive_strings'),
      measureSchema: record.kind === 'in_db',
    };
  }

  /** Saves `changes` unless the job was cancelled (or deleted) meanwhile; false then. */
  private advance(id: number, changes: Json, summaryResults?: Json): boolean {
    if (this.stopped) return false;
    const stored = this.store.getDatadiff(id);
    if (!stored || stored.record.status === 'cancelled') return false;
    this.store.updateRecord(id, { ...stored.record, ...changes, updated_at: isoNow() }, summaryResults);
    return true;
  }

  private progress(step: number) {
    return { diff_progress: { completed_steps: step, total_steps: TOTAL_STEPS, version: '1' } };
  }

  private async run(id: number): Promise<void> {
    if (this.stopped) return;
    const start = performance.now();
    const controller = new AbortController();
    const { signal } = controller;
    this.running.set(id, controller);
    // With no least time, a phase ends at the next turn of the event loop: a timer of 0 ms waits
    // 1 ms or more, three times a job.
    const pause = () =>
      this.timing.minPhaseMs > 0
        ? sleep(this.timing.minPhaseMs, undefined, { signal })
        : nextTurn(undefined, { signal });
    const elapsed = () => (performance.now() - start) / 1000;
    try {
      await pause();
      if (!this.advance(id, { status: 'processing', ...this.progress(0) })) return;
      const record = this.require(id);
      // Both sides often name one data source: its tables are read once, and sent once (job-process.ts).
      const read = new Map<number, ReturnType<TablesOf>>();
      const tablesOf: TablesOf = (sourceId) =>
        read.get(sourceId) ?? read.set(sourceId, this.store.readTables(sourceId)).get(sourceId)!;
      const task = {
        a: await this.datasetSpec(record, 1, tablesOf),
        b: await this.datasetSpec(record, 2, tablesOf),
        options: this.optionsOf(record),
      };
      await pause();
      if (!this.advance(id, this.progress(1))) return;
      // The time limit ends the compute only; cancellation and shutdown end the whole job.
      const timeout = AbortSignal.timeout(this.timing.jobTimeoutMs);
      let outcome: DatadiffOutcome;
      try {
        outcome = await this.compute.diffDatasets(task, AbortSignal.any([signal, timeout]));
      } catch (e) {
        if (!timeout.aborted || signal.aborted) throw e;
        const error_value = `The data diff ran longer than ${this.timing.jobTimeoutMs} ms`;
        outcome = { ok: false, error: { error_type: 'TimeoutError', error_value } };
      }
      if (!this.advance(id, this.progress(2))) return;
      await pause();
      this.finish(id, record, outcome, elapsed());
    } catch (e) {
      // Cancelled or shutting down: the record already says so, or the job resumes at the next start.
      if (signal.aborted || this.stopped) return;
      const error = { error_type: 'InternalError', error_value: (e as Error).message };
      this.finish(id, this.require(id), { ok: false, error }, elapsed());
    } finally {
      this.running.delete(id);
      this.events.emit(`end:${id}`);
    }
  }

  private finish(id: number, record: Json, outcome: DatadiffOutcome, runtime: number): void {
    const now = isoNow();
    const ended = {
      done: true,
      finished_at: now,
      runtime: Math.round(runtime * 1000) / 1000,
      ...this.progress(3),
    };
    if (!outcome.ok) {
      this.advance(
        id,
        {
          ...ended,
          status: 'failed',
          result: 'error',
          result_statuses: { pks: 'failed', values: 'failed', schema: 'failed' },
        },
        { status: 'failed', error: outcome.error },
      );
      return;
    }
    const crossDb = record.kind === 'cross_db';
    const affected = [
      ...(outcome.values?.columns_diff_stats
        .filter((c) => c.values_different > 0)
        .map((c) => c.column_name) ?? []),
      ...outcome.schema.exclusive_columns.flat(),
      ...outcome.schema.column_type_differs,
    ];
    const summary: Json = crossDb
      ? { status: 'success', ...(outcome.pks && { pks: outcome.pks }), values: outcome.values }
      : {
          status: 'success',
          ...(outcome.pks && { pks: outcome.pks }),
          values: outcome.values,
          schema: outcome.schema,
          dependencies: [],
          materialized_results: { diff: null, duplicates1: null, duplicates2: null, exclusives: null },
        };
    this.advance(
      id,
      {
        ...ended,
        status: 'done',
        result: outcome.result,
        diff_stats: outcome.stats,
        affected_columns: affected,
        result_statuses: { pks: 'done', values: 'done', schema: 'done' },
      },
      summary,
    );
  }
}
