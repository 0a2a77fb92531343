// Turns a repository document into what storage keeps: content-addressed blobs, one file snapshot per
// commit (inherited from the first parent, then changed), directory hashes, and deterministic ids.
import { classifyFile, type FileClass } from '../../engine/classify.js';
import { hashHex, hashHex32 } from '../../engine/hash.js';
import type { DirRow, FileRow, RepoData } from '../../storage/oxen-store.js';
import { DocumentError } from '../document-error.js';
import type { FileContent, RepoDoc } from './repo-document.js';

/** Reads a file named by `{"path": ...}`; undefined when there is no such file. */
export type ReadBeside = (path: string) => Uint8Array | undefined;

const DEFAULT_EPOCH = Date.parse('2025-01-01T00:00:00Z');

/** RFC 3339 the way the `time` crate writes it: `Z`, fractional seconds trimmed of zeros. */
export function formatTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

function contentBytes(content: FileContent, field: string, readBeside?: ReadBeside): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if ('base64' in content) return Buffer.from(content.base64, 'base64');
  const bytes = readBeside?.(content.path);
  if (!bytes) throw new DocumentError(`${field}.path: no file '${content.path}' beside the document`);
  return bytes;
}

function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every directory of a snapshot, root "" included, with Merkle hashes and recursive totals. */
export function buildDirs(
  files: FileRow[],
  commitId: string,
  previous: Map<string, DirRow> | undefined,
): DirRow[] {
  const dirs = new Map<
    string,
    { children: string[]; size: number; numFiles: number; types: Map<string, number> }
  >();
  const ensure = (path: string) => {
    let d = dirs.get(path);
    if (!d) {
      dirs.set(path, (d = { children: [], size: 0, numFiles: 0, types: new Map() }));
      if (path !== '') ensure(parentDir(path)).children.push(`d:${path}`);
    }
    return d;
  };
  ensure('');
  const fileHash = new Map(files.map((f) => [f.path, f.hash]));
  for (const f of files) {
    ensure(parentDir(f.path)).children.push(`f:${f.path}`);
    for (let dir: string | null = parentDir(f.path); dir !== null; dir = dir === '' ? null : parentDir(dir)) {
      const d = ensure(dir);
      d.size += f.size;
      d.numFiles++;
      d.types.set(f.data_type, (d.types.get(f.data_type) ?? 0) + 1);
    }
  }
  const hashes = new Map<string, string>();
  const deepestFirst = [...dirs.keys()].sort(
    (a, b) => b.split('/').length - a.split('/').length || (a < b ? 1 : -1),
  );
  for (const path of deepestFirst) {
    const entries = dirs
      .get(path)!
      .children.map((c) => {
        const child = c.slice(2);
        return `${baseName(child)}\u0000${c.startsWith('d:') ? hashes.get(child) : fileHash.get(child)}`;
      })
      .sort();
    hashes.set(path, hashHex(entries.join('\n')));
  }
  return [...dirs.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, d]) => {
      const hash = hashes.get(path)!;
      const before = previous?.get(path);
      return {
        path,
        hash,
        size: d.size,
        num_files: d.numFiles,
        last_commit_id: before && before.hash === hash ? before.last_commit_id : commitId,
        data_types: [...d.types.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([data_type, count]) => ({ count, data_type })),
      };
    });
}

/** Builds the stored form of a validated document. Throws DocumentError for a bad reference. */
export async function buildRepoData(doc: RepoDoc, readBeside?: ReadBeside): Promise<RepoData> {
  const blobs = new Map<string, Uint8Array>();
  const classes = new Map<string, FileClass>();
  const branches = new Map<string, string>();
  const snapshots = new Map<string, { files: Map<string, FileRow>; dirs: Map<string, DirRow> }>();
  const byRef = new Map<string, string>();
  const commits: RepoData['commits'] = [];

  for (const [seq, c] of doc.commits.entries()) {
    const at = `commits[${seq}]`;
    const parentIds = c.parents
      ? c.parents.map((ref) => byRef.get(ref)!)
      : [branches.get(c.branch) ?? branches.get('main')].filter((id): id is string => id !== undefined);
    const parent = parentIds[0] === undefined ? undefined : snapshots.get(parentIds[0]);
    const files = new Map(parent?.files);
    for (const [j, path] of c.delete.entries()) {
      if (!files.delete(path))
        throw new DocumentError(`${at}.delete[${j}]: '${path}' is not in the parent commit`);
    }
    for (const [path, content] of Object.entries(c.files)) {
      const bytes = contentBytes(content, `${at}.files[${JSON.stringify(path)}]`, readBeside);
      const hash = hashHex(bytes);
      blobs.set(hash, bytes);
      const classKey = `${hash}:${path.slice(path.lastIndexOf('.')).toLowerCase()}`;
      let cls = classes.get(classKey);
      if (!cls) classes.set(classKey, (cls = await classifyFile(path, bytes)));
      files.set(path, { path, hash, size: bytes.length, ...cls });
    }
    const paths = [...files.keys()];
    const asDir = new Set(
      paths.flatMap((p) =>
        p
          .split('/')
          .slice(0, -1)
          .map((_, k, parts) => parts.slice(0, k + 1).join('/')),
      ),
    );
    const clash = paths.find((p) => asDir.has(p));
    if (clash) throw new DocumentError(`${at}.files: '${clash}' is both a file and a directory`);

    const timestampMs = c.timestamp ? Date.parse(c.timestamp) : DEFAULT_EPOCH + seq * 3_600_000;
    const timestamp = formatTimestamp(timestampMs);
    const fileRows = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    // The id covers the tree, so directories are hashed first and credited to the new id afterwards.
    const pending = buildDirs(fileRows, '', parent?.dirs);
    const rootHash = pending.find((d) => d.path === '')!.hash;
    const id = hashHex32(
      JSON.stringify([
        doc.namespace,
        doc.name,
        seq,
        parentIds,
        c.message,
        c.author,
        c.email,
        timestamp,
        rootHash,
      ]),
    );
    const dirRows = pending.map((d) => (d.last_commit_id === '' ? { ...d, last_commit_id: id } : d));
    snapshots.set(id, { files, dirs: new Map(dirRows.map((d) => [d.path, d])) });
    if (c.ref !== undefined) byRef.set(c.ref, id);
    branches.set(c.branch, id);
    commits.push({
      id,
      seq,
      parent_ids: parentIds,
      message: c.message,
      author: c.author,
      email: c.email,
      timestamp,
      files: fileRows,
      dirs: dirRows,
    });
  }
  return {
    namespace: doc.namespace,
    name: doc.name,
    headBranch: branches.has('main') ? 'main' : [...branches.keys()][0]!,
    blobs,
    commits,
    branches,
  };
}

/** The answer of POST /_mock/oxen/repos: refs and branches mapped to commit ids. */
export function describeRepo(doc: RepoDoc, data: RepoData) {
  const commits: Record<string, string> = {};
  doc.commits.forEach((c, i) => {
    if (c.ref !== undefined) commits[c.ref] = data.commits[i]!.id;
  });
  return { namespace: data.namespace, name: data.name, commits, branches: Object.fromEntries(data.branches) };
}
