// One Datafold data diff, as run in a worker thread or its child process (pool.ts): read both sides
// (a table, a query or a CSV file of a data source, narrowed by its filter) and diff them.
import { readFileSync } from 'node:fs';
import { readCsv } from '../../engine/csv.js';
import {
  diffDatasets,
  type DatadiffOptions,
  type DatadiffOutcome,
  type Dataset,
} from '../../engine/datadiff.js';
import { decodeUtf8 } from '../../engine/utf8.js';
import { readScratch, readsWithSql, type ScratchTable } from '../../storage/scratch-db.js';
import { isTableBytes, readTableBytes } from './table-bytes.js';
import { parseTable } from './table-json.js';

export interface CsvFileRead {
  kind: 'file';
  /** Absolute path, already checked to lie under the data directory. */
  file: string;
  /** `csv`, `excel` or `parquet`; only CSV is read. */
  fileType: string;
  delimiter: string | null;
  skipHeadRows: number;
  skipTailRows: number;
}

export interface DatasetSpec {
  /** The data source's tables, each as storage keeps it (table-bytes.ts, or JSON stored before). */
  tables: Array<{ name: string; data: Uint8Array }>;
  read: { kind: 'table'; path: string[] } | { kind: 'query'; sql: string } | CsvFileRead;
  filter: string | null;
}

export interface DatadiffTask {
  a: DatasetSpec;
  b: DatasetSpec;
  options: DatadiffOptions;
}

type SideResult =
  { ok: true; dataset: Dataset } | { ok: false; error: { error_type: string; error_value: string } };

function readFile(
  read: CsvFileRead,
): { ok: true; table: ScratchTable } | { ok: false; error: { error_type: string; error_value: string } } {
  if (read.fileType !== 'csv')
    return {
      ok: false,
      error: {
        error_type: 'UnsupportedFileType',
        error_value: `${read.fileType} files are not read by diffmock`,
      },
    };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(read.file);
  } catch {
    return { ok: false, error: { error_type: 'FileNotFoundError', error_value: read.file } };
  }
  const text = decodeUtf8(bytes);
  if (text === null)
    return {
      ok: false,
      error: { error_type: 'FileFormatError', error_value: `${read.file} is not UTF-8 text` },
    };
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const kept = lines.slice(read.skipHeadRows, lines.length - read.skipTailRows);
  const parsed = readCsv(kept.join('\n'), { delimiter: read.delimiter ?? ',' });
  if (!parsed.ok) return { ok: false, error: { error_type: 'FileFormatError', error_value: parsed.error } };
  const { columns, height } = parsed.frame;
  return {
    ok: true,
    table: {
      name: 'file',
      columns: columns.map(({ name, dtype }) => ({ name, dtype })),
      values: columns.map((c) => c.values),
      height,
    },
  };
}

const utf8 = new TextDecoder();

/**
 * A stored table, decoded when a side first reads it (a side reads one table of its data source,
 * unless its SQL names others), and once for both sides: `parsed` holds what each table's bytes gave.
 */
function lazyTable(name: string, data: Uint8Array, parsed: Map<Uint8Array, Dataset>): ScratchTable {
  const table = () => {
    let out = parsed.get(data);
    if (!out)
      parsed.set(data, (out = isTableBytes(data) ? readTableBytes(data) : parseTable(utf8.decode(data))));
    return out;
  };
  return {
    name,
    get columns() {
      return table().columns;
    },
    get values() {
      return table().values;
    },
    get height() {
      return table().height;
    },
  };
}

function readSide(spec: DatasetSpec, parsed: Map<Uint8Array, Dataset>): SideResult {
  let tables = spec.tables.map((t) => lazyTable(t.name, t.data, parsed));
  let read = spec.read;
  if (read.kind === 'file') {
    const file = readFile(read);
    if (!file.ok) return file;
    tables = [file.table];
    read = { kind: 'table', path: ['file'] };
  }
  const out = readScratch(tables, read, spec.filter);
  return out.ok
    ? { ok: true, dataset: { columns: out.columns, values: out.values, height: out.height } }
    : out;
}

/**
 * Whether a side of the task runs SQL (its query, or its filter): SQLite's native code cannot be
 * stopped in a worker thread, so such a task runs in a process of its own (job-process.ts).
 */
export function runsSql(task: DatadiffTask): boolean {
  return [task.a, task.b].some((side) => readsWithSql(side.read, side.filter));
}

export function datadiffTask(task: DatadiffTask): DatadiffOutcome {
  const parsed = new Map<Uint8Array, Dataset>();
  const a = readSide(task.a, parsed);
  if (!a.ok) return a;
  const b = readSide(task.b, parsed);
  if (!b.ok) return b;
  return diffDatasets(a.dataset, b.dataset, task.options);
}
