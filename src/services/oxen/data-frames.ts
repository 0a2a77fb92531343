// Keyed data-frame compares (reference §6): create/update compute the derived frame once, in a
// worker thread, and store it; the derived-frame route pages (and filters, sorts, …) the stored rows
// in SQL without redoing the join.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { planDfQuery, echoDfOpts, type DfPlan, type DfQuery } from '../../engine/df-opts.js';
import type { KeyedDiff } from '../../engine/keyed-diff.js';
import { paginateFrame } from '../../engine/paginate.js';
import { schemaOf } from '../../engine/frame.js';
import type { CompareStore } from '../../storage/compare-store.js';
import type { CommitRow, OxenStore, RepoRow } from '../../storage/oxen-store.js';
import type { ComputePool } from '../compute/pool.js';
import { jsonLineBatches, type FrameSource } from '../compute/tasks.js';
import { oxenError } from './errors.js';
import { requireRevision } from './revisions.js';
import { OXEN_VERSION, success } from './views.js';

export interface CompareDeps {
  store: OxenStore;
  compares: CompareStore;
  compute: ComputePool;
}

export interface CompareBody {
  compare_id: string;
  left: { path: string; version: string };
  right: { path: string; version: string };
  keys: Array<{ left: string; right: string; alias_as?: string | null; compare_method?: string | null }>;
  compare: Array<{ left?: string | null; right?: string | null; compare_method?: string | null }>;
  display: Array<{ left?: string | null; right?: string | null; compare_method?: string | null }>;
}

/** Rows per write transaction, with a turn of the event loop between two. */
const BATCH_ROWS = 5_000;

/** The tabular file at `path` in `commit`, as bytes for the compute pool (read a part at a time). */
async function frameSourceAt(
  store: OxenStore,
  repo: RepoRow,
  commit: CommitRow,
  path: string,
): Promise<FrameSource> {
  const file = store.getFile(repo.id, commit.id, path);
  if (!file)
    throw oxenError({ kind: 'resource-not-found', resource: `${path}@${commit.id} -> '${commit.message}'` });
  const bytes = file.data_type === 'tabular' ? await store.readBlob(file.hash) : undefined;
  if (!bytes) throw oxenError({ kind: 'basic', message: `Could not read data frame: ${path}` });
  return { bytes, extension: file.extension };
}

function responseOf(diff: Omit<KeyedDiff, 'rows'>, alwaysWarn: boolean) {
  const messages =
    alwaysWarn || diff.dupes.left > 0 || diff.dupes.right > 0
      ? [
          {
            level: 'Warning',
            title: 'Duplicate keys',
            description: `This compare contains rows with duplicate keys. Results may be unexpected if keys are intended to be unique.\nLeft df duplicates: ${diff.dupes.left}\nRight df duplicates: ${diff.dupes.right}\n`,
          },
        ]
      : [];
  return {
    dfs: {
      dupes: diff.dupes,
      summary: {
        modifications: {
          added_rows: diff.counts.added,
          removed_rows: diff.counts.removed,
          modified_rows: diff.counts.modified,
        },
        schema: diff.summarySchema,
      },
      schema_diff: diff.schemaDiff,
      source_schemas: diff.sourceSchemas,
      keys: diff.keys.map((k) => ({ left: k, right: k, alias_as: null, compare_method: null })),
      targets: diff.targets.map((t) => ({ ...t, compare_method: null })),
      display: diff.display.map((d) => ({ left: d, right: d, compare_method: null })),
    },
    ...success(),
    messages,
  };
}

/** Runs `drop` (which deletes up to n rows and says how many) until nothing is left. */
async function dropInBatches(drop: (limit: number) => number): Promise<void> {
  while (drop(BATCH_ROWS) === BATCH_ROWS) await nextTurn();
}

/**
 * Writes the derived rows in batches under a new generation as they come, then makes them visible at
 * once. Should the rows fail to come, what was written of them is dropped.
 */
async function storeCompare(
  compares: CompareStore,
  repo: RepoRow,
  compareId: string,
  meta: { left_commit: string; right_commit: string; columns: Array<{ name: string; dtype: string }> },
  rows: AsyncIterable<Uint8Array>,
): Promise<void> {
  const generation = compares.newGeneration();
  let height = 0;
  try {
    for await (const batch of jsonLineBatches(rows, BATCH_ROWS)) {
      compares.appendRows(repo.id, compareId, generation, height, batch);
      height += batch.length;
      await nextTurn();
    }
  } catch (error) {
    await dropInBatches((n) => compares.dropGeneration(repo.id, compareId, generation, n));
    throw error;
  }
  if (compares.commit(repo.id, compareId, { ...meta, height, generation }))
    await dropInBatches((n) => compares.dropRowsBelow(repo.id, compareId, generation, n));
  else await dropInBatches((n) => compares.dropGeneration(repo.id, compareId, generation, n));
}

/**
 * POST (create, cached under body.compare_id) and PUT (cached under the path's id). PUT keeps 0.50.0's
 * bug of looking the right file up in the left commit, so `right.version` has no effect on PUT.
 */
export async function computeCompare(
  { store, compares, compute }: CompareDeps,
  repo: RepoRow,
  body: CompareBody,
  compareId: string,
  mode: 'create' | 'update',
) {
  const leftCommit = requireRevision(store, repo, body.left.version);
  const rightCommit = mode === 'create' ? requireRevision(store, repo, body.right.version) : leftCommit;
  if (mode === 'update') requireRevision(store, repo, body.right.version);
  const left = await frameSourceAt(store, repo, leftCommit, body.left.path);
  const right = await frameSourceAt(store, repo, rightCommit, body.right.path);
  const display = body.display.flatMap((d) => [
    ...(d.left ? [`${d.left}.left`] : []),
    ...(d.right ? [`${d.right}.right`] : []),
  ]);
  const outcome = await compute.diffKeyed(left, right, {
    keys: body.keys.map((k) => k.left),
    targets: body.compare.map((t) => t.left ?? t.right).filter((t): t is string => typeof t === 'string'),
    display,
  });
  if (!outcome.ok) {
    const { error } = outcome;
    if (error.kind === 'unreadable')
      throw oxenError({ kind: 'basic', message: `Could not read data frame: ${body[error.side].path}` });
    if (error.kind === 'incompatible-schemas')
      throw oxenError({ kind: 'incompatible-schemas', fields: error.fields });
    throw oxenError({
      kind: 'basic',
      message: 'Must specify at least one key column if specifying target columns.',
    });
  }
  const meta = { left_commit: leftCommit.id, right_commit: rightCommit.id, columns: outcome.diff.columns };
  await storeCompare(compares, repo, compareId, meta, outcome.rows);
  return responseOf(outcome.diff, mode === 'create');
}

/** Where 0.50.0 keeps the derived frame; named in its 404 detail for an unknown compare id. */
function cachePath(repo: RepoRow, compareId: string): string {
  return `/var/oxen/data/${repo.namespace}/${repo.name}/.oxen/cache/compares/${compareId}/diff.parquet`;
}

const isPlainPage = (plan: DfPlan) =>
  !plan.filter && plan.sortBy === undefined && !plan.reverse && !plan.columns && !plan.take && !plan.slice;

/**
 * GET the derived frame: one page of the stored rows after the DF options. The JSON body is assembled
 * around the stored row text, so a page of a million-row compare costs what the first page costs.
 */
export function derivedFrame(
  { compares }: CompareDeps,
  repo: RepoRow,
  compareId: string,
  paging: { page?: number; pageSize?: number },
  query: DfQuery = {},
): string {
  const compare = compares.get(repo.id, compareId);
  if (!compare) throw oxenError({ kind: 'path-does-not-exist', path: cachePath(repo, compareId) });
  // liboxen runs `sql` through DuckDB over the repository; there is no DuckDB here.
  if (query.sql !== undefined)
    throw oxenError({ kind: 'df-options', message: 'the sql option is not supported by diffmock' });
  const planned = planDfQuery(query, compare.columns);
  if (!planned.ok) throw oxenError({ kind: 'df-options', message: planned.error });
  const { plan } = planned;

  let total = compare.height;
  let rows: string[];
  if (isPlainPage(plan)) {
    const { start, end } = paginateFrame(total, paging.page, paging.pageSize);
    rows = compares.rows(repo.id, compareId, compare.generation, start, end);
  } else {
    const size = Math.max(paging.pageSize ?? 100, 1);
    const offset = Math.min((Math.max(paging.page ?? 1, 1) - 1) * size, Number.MAX_SAFE_INTEGER);
    ({ total, rows } = compares.query(repo.id, compareId, compare.generation, {
      ...plan,
      offset,
      limit: size,
    }));
  }
  const { pagination } = paginateFrame(total, paging.page, paging.pageSize);
  const source = {
    schema: schemaOf(compare.columns),
    size: { height: compare.height, width: compare.columns.length },
  };
  const viewColumns = plan.columns
    ? plan.columns.map((name) => compare.columns.find((c) => c.name === name)!)
    : compare.columns;
  const head = JSON.stringify({
    status: 'success',
    status_message: 'resource_found',
    oxen_version: OXEN_VERSION,
  });
  const view = `{"schema":${JSON.stringify(schemaOf(viewColumns))},"size":${JSON.stringify({ height: total, width: viewColumns.length })},"data":[${rows.join(',')}],"pagination":${JSON.stringify(pagination)},"opts":${JSON.stringify(echoDfOpts(query))}}`;
  const derived = {
    resource_id: compareId,
    path: `/compare/data_frames/${compareId}/diff`,
    resource_type: 'compare',
  };
  return `${head.slice(0, -1)},"data_frame":{"source":${JSON.stringify(source)},"view":${view}},"commit":null,"resource":null,"derived_resource":${JSON.stringify(derived)}}`;
}

export async function deleteCompare({ compares }: CompareDeps, repo: RepoRow, compareId: string) {
  const bound = compares.delete(repo.id, compareId);
  await dropInBatches((n) => compares.dropRowsBelow(repo.id, compareId, bound, n));
  return { status: 'success', status_message: 'resource_deleted', oxen_version: OXEN_VERSION };
}
