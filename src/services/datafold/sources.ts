// Data sources and historical records: registered from documents (the bundled data/datafold
// fixtures, or the admin API), and restored by a reset.
//   data source: {"id": 7, "name": "warehouse", "tables": {"DB.SCHEMA.ORDERS": {"csv": "<text>"}
//                 | {"path": "<csv file>"} | {"sqlite": "<database file>", "table": "<name>"}}}
//   record: any fields of a data diff record (missing ones get the defaults of a finished diff),
//           plus optional hidden list fields (user_name, ci_type, user_ref, data_app_data_source_id)
//           and an optional "summary_results" object.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DatafoldStore, Json, StoredTable } from '../../storage/datafold-store.js';
import { readSqliteTable } from '../../storage/scratch-db.js';
import { csvTableSteps } from '../compute/csv-table.js';
import { tableBytes } from '../compute/table-bytes.js';
import { WARM_TABLES, warmUpCsv } from '../compute/warm-up.js';
import { DocumentError, inFixture } from '../document-error.js';
import { runInTurns, runNow, type Steps } from '../steps.js';
import { completeRecord, isoNow, normalizeDate, type RecordShape } from './records.js';

export type ReadBeside = (path: string) => Uint8Array | undefined;
export interface RegisteredSource {
  id: number;
  name: string;
  tables: string[];
}
export interface DatafoldFixtureSet {
  sources: Array<{ source: string; doc: unknown; readBeside: ReadBeside }>;
  datadiffs: unknown[];
}

const HIDDEN = ['user_name', 'ci_type', 'user_ref', 'data_app_data_source_id'];
const DATES = ['created_at', 'updated_at', 'finished_at', 'time_interval_start', 'time_interval_end'];
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A table of a data source document, read in steps (a CSV's rows a slice a step). */
function* tableSteps(name: string, spec: unknown, readBeside: ReadBeside | undefined): Steps<StoredTable> {
  const where = `tables["${name}"]`;
  if (!isObject(spec)) throw new DocumentError(`${where} must be an object with "csv", "path" or "sqlite"`);
  if (typeof spec.sqlite === 'string') {
    if (typeof spec.table !== 'string')
      throw new DocumentError(`${where}.table must name a table of ${spec.sqlite}`);
    const bytes = readBeside?.(spec.sqlite);
    if (!bytes) throw new DocumentError(`${where}.sqlite: no file ${spec.sqlite}`);
    const read = readSqliteTable(Buffer.from(bytes), spec.table);
    if (!read.ok) throw new DocumentError(`${where}: ${read.error.error_value}`);
    return { name, data: tableBytes(read) };
  }
  let csv: string | Uint8Array;
  if (typeof spec.csv === 'string') csv = spec.csv;
  else if (typeof spec.path === 'string') {
    const bytes = readBeside?.(spec.path);
    if (!bytes) throw new DocumentError(`${where}.path: no file ${spec.path}`);
    csv = bytes;
  } else throw new DocumentError(`${where} must have "csv", "path" or "sqlite"`);
  const stored = yield* csvTableSteps(csv, { refuseDuplicateNames: true });
  if (!stored.ok) throw new DocumentError(`${where}: ${stored.error}`);
  return { name, data: stored.chunks };
}

export class DataSourceService {
  constructor(
    private readonly store: DatafoldStore,
    private readonly shape: RecordShape,
    /** Checks a completed record against the record schema; returns what is wrong, or null. */
    private readonly checkRecord: (record: Json) => string | null,
    private readonly fixtures: () => DatafoldFixtureSet,
    /** Where the admin API's {"path"} and {"sqlite"} files are read from (data/datafold). */
    private readonly readData: ReadBeside = () => undefined,
  ) {}

  /** Creates or replaces a data source from an untrusted document. Throws DocumentError when bad. */
  register(doc: unknown, readBeside: ReadBeside = this.readData): RegisteredSource {
    return runNow(this.registerSteps(doc, readBeside));
  }

  /**
   * register, a step per turn of the event loop, so that requests are served while a large table
   * is read (a 1M-row CSV held the loop for 0.3-0.4 s in one go): the admin API's. Rejects with
   * DocumentError when the document is bad.
   */
  registerInTurns(doc: unknown, readBeside: ReadBeside = this.readData): Promise<RegisteredSource> {
    return runInTurns(this.registerSteps(doc, readBeside));
  }

  private *registerSteps(doc: unknown, readBeside: ReadBeside): Steps<RegisteredSource> {
    if (!isObject(doc)) throw new DocumentError('the data source document must be a JSON object');
    if (!Number.isInteger(doc.id)) throw new DocumentError('id must be an integer');
    if (typeof doc.name !== 'string' || doc.name === '')
      throw new DocumentError('name must be a non-empty string');
    if (!isObject(doc.tables)) throw new DocumentError('tables must be an object keyed by table path');
    const tables: StoredTable[] = [];
    for (const [name, spec] of Object.entries(doc.tables)) {
      tables.push(yield* tableSteps(name, spec, readBeside));
      yield;
    }
    this.store.replaceSource({ id: doc.id as number, name: doc.name }, tables);
    return { id: doc.id as number, name: doc.name, tables: tables.map((t) => t.name) };
  }

  /**
   * Builds (and drops) the stored bytes of a made-up CSV table a few times, a turn of the event loop
   * each (about 20 ms the first), so that the code that registers a CSV has run before a first
   * registration: registering the datadiff suite's two 100k-row tables first took 126-155 ms so,
   * against 163-222 ms without (three runs each, by hand). Stores nothing; stops early when
   * `stopped()` says so. Returns how many tables it built.
   */
  async warmUp(stopped: () => boolean): Promise<number> {
    let built = 0;
    for (; built < WARM_TABLES && !stopped(); built++) {
      // As registering makes them: its chunks, not joined.
      runNow(csvTableSteps(warmUpCsv(built), { refuseDuplicateNames: true }));
      await nextTurn();
    }
    return built;
  }

  list(): Array<{ id: number; name: string; tables: string[] }> {
    return this.store.listSources().map((s) => ({ ...s, tables: this.store.tableNames(s.id) }));
  }

  /** Stores historical records as given (one object or an array); returns their ids. */
  seed(input: unknown): number[] {
    const items = Array.isArray(input) ? input : [input];
    const prepared = items.map((item, i) => {
      const where = Array.isArray(input) ? `[${i}]` : 'the record';
      if (!isObject(item)) throw new DocumentError(`${where} must be a JSON object`);
      const { summary_results: summaryResults, ...fields } = item;
      const hidden: Json = {};
      for (const key of HIDDEN)
        if (key in fields) {
          hidden[key] = fields[key];
          delete fields[key];
        }
      for (const key of DATES)
        if (fields[key] != null) {
          const date = normalizeDate(fields[key]);
          if (date === null) throw new DocumentError(`${where}.${key} is not an ISO date or date-time`);
          fields[key] = date;
        }
      const now = isoNow();
      const record = completeRecord(this.shape, {
        status: 'done',
        done: true,
        source: 'api',
        kind: fields.data_source1_id === fields.data_source2_id ? 'in_db' : 'cross_db',
        include_columns: [],
        exclude_columns: [],
        result_statuses: {},
        created_at: now,
        updated_at: fields.created_at ?? now,
        ...fields,
      });
      const problem = this.checkRecord(record);
      if (problem) throw new DocumentError(`${where}: ${problem}`);
      if (summaryResults !== undefined && !isObject(summaryResults))
        throw new DocumentError(`${where}.summary_results must be an object`);
      return { record, hidden, summaryResults: (summaryResults as Json | undefined) ?? null };
    });
    return this.store.insertDatadiffs(prepared);
  }

  /**
   * Empties the Datafold tables and loads the bundled data sources and records, in one transaction:
   * a fixture that fails to load changes nothing.
   */
  reset(): void {
    const { sources, datadiffs } = this.fixtures();
    this.store.atomically(() => {
      this.store.clear();
      for (const fixture of sources) {
        try {
          this.register(fixture.doc, fixture.readBeside);
        } catch (error) {
          throw inFixture(fixture.source, error);
        }
      }
      this.seed(datadiffs);
    });
  }

  /** Loads the fixtures only into an empty store, so a file database keeps its records. */
  loadIfEmpty(): void {
    if (this.store.listSources().length === 0 && !this.store.hasDatadiffs()) this.reset();
  }
}
