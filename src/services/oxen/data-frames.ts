// Keyed data-frame compares (reference §6): create/update compute and store the derived frame once;
// the derived-frame route pages the stored rows without redoing the join.
import { diffKeyed, type KeyedDiff } from '../../engine/keyed-diff.js';
import { paginateFrame } from '../../engine/paginate.js';
import { schemaOf } from '../../engine/frame.js';
import { dfOpts } from '../../engine/tabular-diff.js';
import type { CommitRow, OxenStore, RepoRow } from '../../storage/oxen-store.js';
import { oxenError } from './errors.js';
import { readFrame } from './file-diff.js';
import { requireRevision } from './revisions.js';
import { OXEN_VERSION, success } from './views.js';

export interface CompareBody {
  compare_id: string;
  left: { path: string; version: string };
  right: { path: string; version: string };
  keys: Array<{ left: string; right: string; alias_as?: string | null; compare_method?: string | null }>;
  compare: Array<{ left?: string | null; right?: string | null; compare_method?: string | null }>;
  display: Array<{ left?: string | null; right?: string | null; compare_method?: string | null }>;
}

function fileAt(store: OxenStore, repo: RepoRow, commit: CommitRow, path: string) {
  const file = store.getFile(repo.id, commit.id, path);
  if (!file)
    throw oxenError({ kind: 'resource-not-found', resource: `${path}@${commit.id} -> '${commit.message}'` });
  const frame = readFrame(store, file);
  if (!frame) throw oxenError({ kind: 'basic', message: `Could not read data frame: ${path}` });
  return frame;
}

function responseOf(diff: KeyedDiff, alwaysWarn: boolean) {
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

/**
 * POST (create, cached under body.compare_id) and PUT (cached under the path's id). PUT keeps 0.50.0's
 * bug of looking the right file up in the left commit, so `right.version` has no effect on PUT.
 */
export function computeCompare(
  store: OxenStore,
  repo: RepoRow,
  body: CompareBody,
  compareId: string,
  mode: 'create' | 'update',
) {
  const leftCommit = requireRevision(store, repo, body.left.version);
  const rightCommit = mode === 'create' ? requireRevision(store, repo, body.right.version) : leftCommit;
  if (mode === 'update') requireRevision(store, repo, body.right.version);
  const left = fileAt(store, repo, leftCommit, body.left.path);
  const right = fileAt(store, repo, rightCommit, body.right.path);
  const display = body.display.flatMap((d) => [
    ...(d.left ? [`${d.left}.left`] : []),
    ...(d.right ? [`${d.right}.right`] : []),
  ]);
  const result = diffKeyed(left, right, {
    keys: body.keys.map((k) => k.left),
    targets: body.compare.map((t) => t.left ?? t.right).filter((t): t is string => typeof t === 'string'),
    display,
  });
  if (!result.ok) {
    if (result.error.kind === 'incompatible-schemas')
      throw oxenError({ kind: 'incompatible-schemas', fields: result.error.fields });
    throw oxenError({
      kind: 'basic',
      message: 'Must specify at least one key column if specifying target columns.',
    });
  }
  const { diff } = result;
  const names = diff.columns.map((c) => c.name);
  const rows = (function* () {
    for (const row of diff.rows)
      yield JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i] ?? null])));
  })();
  store.putCompare(
    repo.id,
    compareId,
    {
      left_commit: leftCommit.id,
      right_commit: rightCommit.id,
      columns: diff.columns,
      height: diff.rows.length,
    },
    rows,
  );
  return responseOf(diff, mode === 'create');
}

/** Where 0.50.0 keeps the derived frame; named in its 404 detail for an unknown compare id. */
function cachePath(repo: RepoRow, compareId: string): string {
  return `/var/oxen/data/${repo.namespace}/${repo.name}/.oxen/cache/compares/${compareId}/diff.parquet`;
}

/**
 * GET the derived frame, one page of the stored rows. The JSON body is assembled around the stored
 * row text so a page of a million-row compare costs what the first page costs.
 */
export function derivedFrame(
  store: OxenStore,
  repo: RepoRow,
  compareId: string,
  paging: { page?: number; pageSize?: number },
): string {
  const compare = store.getCompare(repo.id, compareId);
  if (!compare) throw oxenError({ kind: 'path-does-not-exist', path: cachePath(repo, compareId) });
  const schema = schemaOf(compare.columns);
  const size = { height: compare.height, width: compare.columns.length };
  const { start, end, pagination } = paginateFrame(compare.height, paging.page, paging.pageSize);
  const rows = store.compareRows(repo.id, compareId, start, end);
  const head = JSON.stringify({
    status: 'success',
    status_message: 'resource_found',
    oxen_version: OXEN_VERSION,
  });
  const view = `{"schema":${JSON.stringify(schema)},"size":${JSON.stringify(size)},"data":[${rows.join(',')}],"pagination":${JSON.stringify(pagination)},"opts":${JSON.stringify(dfOpts())}}`;
  const derived = {
    resource_id: compareId,
    path: `/compare/data_frames/${compareId}/diff`,
    resource_type: 'compare',
  };
  return `${head.slice(0, -1)},"data_frame":{"source":${JSON.stringify({ schema, size })},"view":${view}},"commit":null,"resource":null,"derived_resource":${JSON.stringify(derived)}}`;
}

export function deleteCompare(store: OxenStore, repo: RepoRow, compareId: string) {
  store.deleteCompare(repo.id, compareId);
  return { status: 'success', status_message: 'resource_deleted', oxen_version: OXEN_VERSION };
}
