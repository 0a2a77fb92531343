// Changed entries, commits and the changed-dir tree between two revisions (reference §4, §4.6, §4.7).
import type { TabularSummary } from '../../engine/tabular-diff.js';
import { paginateEntries, type EntriesPage } from '../../engine/paginate.js';
import type { CommitRow, DirRow, FileRow, OxenStore, RepoRow } from '../../storage/oxen-store.js';
import { oxenError } from './errors.js';
import { resolveBaseHead } from './revisions.js';
import {
  commitView,
  dirEntryView,
  fileEntryView,
  resourceView,
  statusOf,
  success,
  type CommitView,
  type ResourceView,
  type Status,
} from './views.js';

interface Paging {
  page?: number;
  pageSize?: number;
}

type Counts = { added: number; removed: number; modified: number };

function under(dir: string, path: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

function tabularOf(file: FileRow | undefined): { width: number; height: number } {
  const meta = file?.metadata as { tabular?: { width: number; height: number } } | null;
  return meta?.tabular ?? { width: 0, height: 0 };
}

/** Listing summaries come from the stored sizes only, not from a real diff (0.50.0 does the same). */
function naiveTabularSummary(base: FileRow | undefined, head: FileRow | undefined): TabularSummary {
  const b = tabularOf(base);
  const h = tabularOf(head);
  if (!base || !head) {
    const side = head ? 'added' : 'removed';
    const m = head ? h : b;
    return {
      num_added_rows: 0,
      num_added_cols: 0,
      num_removed_rows: 0,
      num_removed_cols: 0,
      [`num_${side}_rows`]: m.height,
      [`num_${side}_cols`]: m.width,
      schema_has_changed: false,
    } as TabularSummary;
  }
  return {
    num_added_rows: Math.max(0, h.height - b.height),
    num_added_cols: Math.max(0, h.width - b.width),
    num_removed_rows: Math.max(0, b.height - h.height),
    num_removed_cols: Math.max(0, b.width - h.width),
    schema_has_changed: b.width !== h.width,
  };
}

/** The head/base resource and entry pairs of a DiffEntry, in oxen's field order. */
function sides<R>(
  base: R | undefined,
  head: R | undefined,
  resourceOf: (row: R, side: 'base' | 'head') => ResourceView,
  entryOf: (row: R, resource: ResourceView, side: 'base' | 'head') => unknown,
) {
  const baseResource = base ? resourceOf(base, 'base') : null;
  const headResource = head ? resourceOf(head, 'head') : null;
  return {
    head_resource: headResource,
    base_resource: baseResource,
    head_entry: head ? entryOf(head, headResource!, 'head') : null,
    base_entry: base ? entryOf(base, baseResource!, 'base') : null,
  };
}

/** A file entry as the listing shows it (`diff` stays null there). */
export function fileDiffEntry(
  base: FileRow | undefined,
  head: FileRow | undefined,
  baseCommit: CommitView,
  headCommit: CommitView,
) {
  const either = (head ?? base)!;
  const commitOf = (side: 'base' | 'head') => (side === 'base' ? baseCommit : headCommit);
  return {
    status: statusOf(base, head),
    data_type: either.data_type,
    filename: either.path,
    is_dir: false,
    size: either.size,
    ...sides(
      base,
      head,
      (f, side) => resourceView(f.path, commitOf(side).id),
      (f, resource, side) => fileEntryView(f, commitOf(side), resource),
    ),
    diff_summary: either.data_type === 'tabular' ? { tabular: naiveTabularSummary(base, head) } : null,
    diff: null as unknown,
  };
}

function countsUnder(dir: string, changes: Array<{ path: string; status: Status }>): Counts {
  const counts = { added: 0, removed: 0, modified: 0 };
  for (const c of changes) if (under(dir, c.path)) counts[c.status]++;
  return counts;
}

function dirDiffEntry(
  base: DirRow | undefined,
  head: DirRow | undefined,
  baseCommit: CommitView,
  headCommit: CommitView,
  fileCounts: Counts,
) {
  const either = (head ?? base)!;
  return {
    status: statusOf(base, head),
    data_type: 'dir',
    filename: either.path,
    is_dir: true,
    size: either.size,
    // A listed directory's resource version is the commit that last changed it, not the compare commit.
    ...sides(
      base,
      head,
      (d) => resourceView(d.path, d.last_commit_id),
      (d, resource, side) => dirEntryView(d, side === 'base' ? baseCommit : headCommit, resource, false),
    ),
    diff_summary: { dir: { file_counts: fileCounts } },
    diff: null,
  };
}

interface TreeDiff {
  files: Array<{ path: string; status: Status; base?: FileRow; head?: FileRow }>;
  dirs: Array<{ path: string; status: Status; base?: DirRow; head?: DirRow }>;
  baseDirs: Map<string, DirRow>;
  headDirs: Map<string, DirRow>;
}

/** Changed files and directories strictly below `dir`, each list sorted by path. */
export function diffTrees(
  store: OxenStore,
  repo: RepoRow,
  base: CommitRow,
  head: CommitRow,
  dir = '',
): TreeDiff {
  const baseFiles = new Map(
    store
      .listFiles(repo.id, base.id)
      .filter((f) => under(dir, f.path))
      .map((f) => [f.path, f]),
  );
  const headFiles = new Map(
    store
      .listFiles(repo.id, head.id)
      .filter((f) => under(dir, f.path))
      .map((f) => [f.path, f]),
  );
  const baseDirs = new Map(store.listDirs(repo.id, base.id).map((d) => [d.path, d]));
  const headDirs = new Map(store.listDirs(repo.id, head.id).map((d) => [d.path, d]));
  const files: TreeDiff['files'] = [];
  for (const path of [...new Set([...baseFiles.keys(), ...headFiles.keys()])].sort()) {
    const b = baseFiles.get(path);
    const h = headFiles.get(path);
    if (b && h && b.hash === h.hash) continue;
    files.push({ path, status: statusOf(b, h), ...(b && { base: b }), ...(h && { head: h }) });
  }
  const dirs: TreeDiff['dirs'] = [];
  const strictlyUnder = (p: string) => p !== dir && p !== '' && under(dir, p);
  for (const path of [...new Set([...baseDirs.keys(), ...headDirs.keys()])].filter(strictlyUnder).sort()) {
    const b = baseDirs.get(path);
    const h = headDirs.get(path);
    if (b && h && b.hash === h.hash && b.size === h.size) continue;
    dirs.push({ path, status: statusOf(b, h), ...(b && { base: b }), ...(h && { head: h }) });
  }
  return { files, dirs, baseDirs, headDirs };
}

function selfEntry(
  store: OxenStore,
  repo: RepoRow,
  dir: string,
  diff: TreeDiff,
  base: CommitView,
  head: CommitView,
  counts: Counts,
) {
  const b = diff.baseDirs.get(dir);
  const h = diff.headDirs.get(dir);
  if (b && h && b.hash === h.hash) return null;
  const side = (row: DirRow | undefined, commit: CommitView) => {
    if (!row) return { resource: null, entry: null };
    const resource = resourceView(dir, commit.id, commit);
    const last = store.getCommit(repo.id, row.last_commit_id);
    return { resource, entry: dirEntryView(row, last ? commitView(last) : commit, resource, true) };
  };
  const bs = side(b, base);
  const hs = side(h, head);
  return {
    status: statusOf(b, h),
    data_type: 'dir',
    filename: dir,
    is_dir: true,
    size: (h ?? b)!.size,
    head_resource: hs.resource,
    base_resource: bs.resource,
    head_entry: hs.entry,
    base_entry: bs.entry,
    diff_summary: { dir: { file_counts: counts } },
    diff: null,
  };
}

/** The success fields with oxen's flattened pagination, in its key order. */
function pagedEnvelope(page: EntriesPage) {
  const { page_size, page_number, total_pages, total_entries } = page;
  return { ...success(), page_size, page_number, total_pages, total_entries };
}

/** GET compare entries (dir "" for the root): the envelope with flattened pagination. */
export function listEntries(store: OxenStore, repo: RepoRow, baseHead: string, dir: string, paging: Paging) {
  const { base, head } = resolveBaseHead(store, repo, baseHead);
  const diff = diffTrees(store, repo, base, head, dir);
  if (dir !== '' && !diff.baseDirs.has(dir) && !diff.headDirs.has(dir)) {
    throw oxenError({
      kind: 'basic',
      message: 'Could not calculate dir diff tree: dir does not exist in either commit.',
    });
  }
  const baseCommit = commitView(base);
  const headCommit = commitView(head);
  const counts = countsUnder('', diff.files);
  const page = paginateEntries(diff.dirs.length + diff.files.length, paging.page, paging.pageSize);
  const entries: unknown[] = [];
  for (let i = page.start; i < page.end; i++) {
    if (i < diff.dirs.length) {
      const d = diff.dirs[i]!;
      const fileCounts =
        d.status === 'modified'
          ? countsUnder(d.path, diff.files)
          : {
              added: d.status === 'added' ? d.head!.num_files : 0,
              removed: d.status === 'removed' ? d.base!.num_files : 0,
              modified: 0,
            };
      entries.push(dirDiffEntry(d.base, d.head, baseCommit, headCommit, fileCounts));
    } else {
      const f = diff.files[i - diff.dirs.length]!;
      entries.push(fileDiffEntry(f.base, f.head, baseCommit, headCommit));
    }
  }
  return {
    ...pagedEnvelope(page),
    compare: {
      base_commit: baseCommit,
      head_commit: headCommit,
      counts,
      entries,
      self: selfEntry(store, repo, dir, diff, baseCommit, headCommit, counts),
    },
  };
}

/** GET compare commits: head's ancestry newest first, base included and where the walk stops (0.50.0). */
export function listCommits(store: OxenStore, repo: RepoRow, baseHead: string, paging: Paging) {
  const { base, head } = resolveBaseHead(store, repo, baseHead);
  const all = new Map(store.listCommits(repo.id).map((c) => [c.id, c]));
  const seen = new Set<string>([head.id]);
  const frontier: CommitRow[] = [head];
  const walked: CommitRow[] = [];
  while (frontier.length > 0) {
    frontier.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : b.seq - a.seq));
    const next = frontier.shift()!;
    walked.push(next);
    if (next.id === base.id) break;
    for (const parentId of next.parent_ids) {
      const parent = all.get(parentId);
      if (parent && !seen.has(parentId)) {
        seen.add(parentId);
        frontier.push(parent);
      }
    }
  }
  const page = paginateEntries(walked.length, paging.page, paging.pageSize);
  return {
    ...pagedEnvelope(page),
    compare: {
      base_commit: commitView(base),
      head_commit: commitView(head),
      commits: walked.slice(page.start, page.end).map(commitView),
    },
  };
}

const MAX_DISPLAY_DIRS = 10;

/** GET compare dir_tree: changed directories grouped by parent (HashMap order in oxen; sorted here). */
export function dirTree(store: OxenStore, repo: RepoRow, baseHead: string) {
  const { base, head } = resolveBaseHead(store, repo, baseHead);
  const diff = diffTrees(store, repo, base, head, '');
  const changed = new Map<string, Status>(diff.dirs.map((d) => [d.path, d.status]));
  const rootB = diff.baseDirs.get('');
  const rootH = diff.headDirs.get('');
  if (rootB && rootH && rootB.hash !== rootH.hash) changed.set('', 'modified');
  const groups = new Map<string, Array<{ name: string; status: Status }>>();
  for (const [path, status] of changed) {
    if (path === '') continue;
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const list = groups.get(parent) ?? [];
    list.push({ name: path, status });
    groups.set(parent, list);
  }
  const dirs = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, children]) => {
      children.sort((a, b) => (a.name < b.name ? -1 : 1));
      // 0.50.0's can_display is true when there are *more* than 10 subdirectories (inverted naming).
      const many = children.length > MAX_DISPLAY_DIRS;
      return {
        name,
        status: changed.get(name) ?? 'modified',
        num_subdirs: children.length,
        can_display: many,
        children: many ? children.slice(0, MAX_DISPLAY_DIRS) : children,
      };
    });
  return { dirs, ...success() };
}
