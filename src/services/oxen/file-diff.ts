// GET compare file (reference §5): the listing entry plus a full diff for text and tabular files.
import { decodeUtf8 } from '../../engine/classify.js';
import { readCsv } from '../../engine/csv.js';
import type { Frame } from '../../engine/frame.js';
import { diffTables } from '../../engine/tabular-diff.js';
import { diffText } from '../../engine/text-diff.js';
import type { FileRow, OxenStore, RepoRow } from '../../storage/oxen-store.js';
import { fileDiffEntry } from './compare-entries.js';
import { oxenError } from './errors.js';
import { resolveBaseHeadResource } from './revisions.js';
import { baseName, commitView, success } from './views.js';

export function readFrame(store: OxenStore, file: FileRow | undefined): Frame | null {
  if (!file || file.data_type !== 'tabular') return null;
  const text = decodeUtf8(store.getBlob(file.hash) ?? new Uint8Array());
  if (text === null) return null;
  const parsed = readCsv(text, file.extension.toLowerCase() === 'tsv' ? { delimiter: '\t' } : {});
  return parsed.ok ? parsed.frame : null;
}

export function fileDiff(
  store: OxenStore,
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
    const oldText = baseFile ? decodeUtf8(store.getBlob(baseFile.hash)!) : '';
    const newText = headFile ? decodeUtf8(store.getBlob(headFile.hash)!) : '';
    // Content that is not UTF-8 makes 0.50.0 quietly answer diff: null.
    entry.diff =
      oldText === null || newText === null
        ? null
        : {
            lines: diffText(oldText, newText),
            filename1: baseFile ? baseName(baseFile.path) : null,
            filename2: headFile ? baseName(headFile.path) : null,
          };
  } else if (entry.data_type === 'tabular') {
    const tabular = diffTables(readFrame(store, baseFile), readFrame(store, headFile), pageArgs);
    entry.diff = { tabular };
    entry.diff_summary = { tabular: tabular.summary };
  }
  return { ...success(), compare: entry };
}
