// JSON views shared by the compare answers, with oxen-server's field order (reference §4.4, §4.5).
import type { CommitRow, DirRow, FileRow } from '../../storage/oxen-store.js';

export const OXEN_VERSION = '0.50.0';

export function commitView(c: CommitRow) {
  return {
    id: c.id,
    parent_ids: c.parent_ids,
    message: c.message,
    author: c.author,
    email: c.email,
    timestamp: c.timestamp,
  };
}
export type CommitView = ReturnType<typeof commitView>;

export function resourceView(path: string, version: string, commit: CommitView | null = null) {
  // Rust's PathBuf::join("") leaves a trailing slash for the root.
  return { commit, branch: null, workspace: null, path, version, resource: `${version}/${path}` };
}
export type ResourceView = ReturnType<typeof resourceView>;

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function fileEntryView(file: FileRow, latest: CommitView, resource: ResourceView) {
  return {
    filename: baseName(file.path),
    hash: file.hash,
    is_dir: false,
    latest_commit: latest,
    resource,
    size: file.size,
    data_type: file.data_type,
    mime_type: file.mime_type,
    extension: file.extension,
    metadata: file.metadata,
    is_queryable: null,
  };
}

export function dirEntryView(dir: DirRow, latest: CommitView, resource: ResourceView, withMetadata: boolean) {
  return {
    filename: baseName(dir.path),
    hash: dir.hash,
    is_dir: true,
    latest_commit: latest,
    resource,
    size: dir.size,
    data_type: 'dir',
    mime_type: 'inode/directory',
    extension: '',
    metadata: withMetadata ? { dir: { data_types: dir.data_types } } : null,
    is_queryable: null,
  };
}

export type Status = 'added' | 'removed' | 'modified';

export function statusOf<T>(base: T | undefined, head: T | undefined): Status {
  return base === undefined ? 'added' : head === undefined ? 'removed' : 'modified';
}

export const success = () => ({
  status: 'success',
  status_message: 'resource_found',
  oxen_version: OXEN_VERSION,
});
