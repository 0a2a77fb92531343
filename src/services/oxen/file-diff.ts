// GET compare file (reference §5): the listing entry plus a full diff for text and tabular files.
// The diffs themselves run in the compute pool, off the event loop.
import type { FileRow, OxenStore, RepoRow } from '../../storage/oxen-store.js';
import type { FrameSource } from '../compute/tasks.js';
import { fileDiffEntry } from './compare-entries.js';
import type { CompareDeps } from './data-frames.js';
import { oxenError } from './errors.js';
import { resolveBaseHeadResource } from './revisions.js';
import { baseName, commitView, success } from './views.js';

async function sourceOf(store: OxenStore, file: FileRow | undefined): Promise<FrameSource | null> {
  if (!file || file.data_type !== 'tabular') return null;
  return { bytes: (await store.readBlob(file.hash)) ?? new Uint8Array(), extension: file.extension };
}

export async function fileDiff(
  { store, compute }: CompareDeps,
  repo: RepoRow,
  tail: string,
  paging: { page?: number; pageSize?: number },
) {
  const { base, head, path } = resolveBaseHeadResource(store, repo, tail);
  const baseFile = store.getFile(repo.id, base.id, path);
  const headFile = store.getFile(repo.id, head.id, path);
  if (!baseFile && !headFile) {
    throw oxenError({
      kind: 'basic',
      message: 'Could not calculate diff: neither base nor head entries exist.',
    });
  }
  const entry = fileDiffEntry(baseFile, headFile, commitView(base), commitView(head));
  // Unlike the listing, the file endpoint calls two present files "modified" even when identical.
  if (baseFile && headFile) entry.status = 'modified';
  const pageArgs = { page: paging.page ?? 1, pageSize: paging.pageSize ?? 100 };
  if (entry.data_type === 'text') {
    const lines = await compute.diffText(
      baseFile ? ((await store.readBlob(baseFile.hash)) ?? new Uint8Array()) : null,
      headFile ? ((await store.readBlob(headFile.hash)) ?? new Uint8Array()) : null,
    );
    // Content that is not UTF-8 makes 0.50.0 quietly answer diff: null.
    entry.diff =
      lines === null
        ? null
        : {
            lines,
            filename1: baseFile ? baseName(baseFile.path) : null,
            filename2: headFile ? baseName(headFile.path) : null,
          };
  } else if (entry.data_type === 'tabular') {
    const [baseSource, headSource] = [await sourceOf(store, baseFile), await sourceOf(store, headFile)];
    const tabular = await compute.diffTables(baseSource, headSource, pageArgs);
    entry.diff = { tabular };
    entry.diff_summary = { tabular: tabular.summary };
  }
  return { ...success(), compare: entry };
}
