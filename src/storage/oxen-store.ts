// Fixture repositories: repos, commits, branches, files, dirs and blobs (compares: compare-store.ts).
// A file's content is stored in parts (parts.ts), read a part per turn of the event loop.
import type { Db } from './db.js';
import { joinParts, partsOf } from './parts.js';

export interface RepoRow {
  id: number;
  namespace: string;
  name: string;
  head_branch: string;
}
export interface CommitRow {
  id: string;
  seq: number;
  parent_ids: string[];
  message: string;
  author: string;
  email: string;
  timestamp: string;
}
export interface FileRow {
  path: string;
  hash: string;
  size: number;
  data_type: string;
  mime_type: string;
  extension: string;
  metadata: unknown;
}
export interface DirRow {
  path: string;
  hash: string;
  size: number;
  num_files: number;
  last_commit_id: string;
  data_types: Array<{ count: number; data_type: string }>;
}
/** A whole repository as written in one transaction. */
export interface RepoData {
  namespace: string;
  name: string;
  headBranch: string;
  blobs: Map<string, Uint8Array>;
  commits: Array<CommitRow & { files: FileRow[]; dirs: DirRow[] }>;
  branches: Map<string, string>;
}

type Raw<T> = { [K in keyof T]: T[K] extends string | number ? T[K] : string };

export class OxenStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      repo: p('SELECT id, namespace, name, head_branch FROM repos WHERE namespace = ? AND name = ?'),
      repos: p('SELECT id, namespace, name, head_branch FROM repos ORDER BY namespace, name'),
      insertRepo: p('INSERT INTO repos (namespace, name, head_branch) VALUES (?, ?, ?)'),
      insertBlobPart: p('INSERT OR IGNORE INTO blob_parts (hash, part, content) VALUES (?, ?, ?)'),
      insertCommit: p(
        'INSERT INTO commits (repo_id, id, seq, parent_ids, message, author, email, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertBranch: p('INSERT OR REPLACE INTO branches (repo_id, name, commit_id) VALUES (?, ?, ?)'),
      insertFile: p(
        'INSERT INTO files (repo_id, commit_id, path, hash, size, data_type, mime_type, extension, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertDir: p(
        'INSERT INTO dirs (repo_id, commit_id, path, hash, size, num_files, last_commit_id, data_types) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      branch: p('SELECT commit_id FROM branches WHERE repo_id = ? AND name = ?').pluck(),
      branches: p('SELECT name, commit_id FROM branches WHERE repo_id = ? ORDER BY name'),
      commit: p(
        'SELECT id, seq, parent_ids, message, author, email, timestamp FROM commits WHERE repo_id = ? AND id = ?',
      ),
      commits: p(
        'SELECT id, seq, parent_ids, message, author, email, timestamp FROM commits WHERE repo_id = ? ORDER BY seq',
      ),
      files: p(
        'SELECT path, hash, size, data_type, mime_type, extension, metadata FROM files WHERE repo_id = ? AND commit_id = ? ORDER BY path',
      ),
      file: p(
        'SELECT path, hash, size, data_type, mime_type, extension, metadata FROM files WHERE repo_id = ? AND commit_id = ? AND path = ?',
      ),
      dirs: p(
        'SELECT path, hash, size, num_files, last_commit_id, data_types FROM dirs WHERE repo_id = ? AND commit_id = ? ORDER BY path',
      ),
      dir: p(
        'SELECT path, hash, size, num_files, last_commit_id, data_types FROM dirs WHERE repo_id = ? AND commit_id = ? AND path = ?',
      ),
      blobPartSizes: p('SELECT part, length(content) AS size FROM blob_parts WHERE hash = ? ORDER BY part'),
      blobPart: p('SELECT content FROM blob_parts WHERE hash = ? AND part = ?').pluck(),
    };
  }

  findRepo(namespace: string, name: string): RepoRow | undefined {
    return this.s.repo.get(namespace, name) as RepoRow | undefined;
  }

  listRepos(): RepoRow[] {
    return this.s.repos.all() as RepoRow[];
  }

  /** Creates or replaces a repository (and drops its stored compares) in one transaction. */
  replaceRepo(data: RepoData): number {
    return this.db.transaction(() => {
      const existing = this.findRepo(data.namespace, data.name);
      if (existing) this.deleteRepoRows(existing.id);
      const repoId = Number(
        this.s.insertRepo.run(data.namespace, data.name, data.headBranch).lastInsertRowid,
      );
      for (const [hash, content] of data.blobs) this.insertBlob(hash, content);
      for (const c of data.commits) {
        this.s.insertCommit.run(
          repoId,
          c.id,
          c.seq,
          JSON.stringify(c.parent_ids),
          c.message,
          c.author,
          c.email,
          c.timestamp,
        );
        for (const f of c.files) {
          this.s.insertFile.run(
            repoId,
            c.id,
            f.path,
            f.hash,
            f.size,
            f.data_type,
            f.mime_type,
            f.extension,
            JSON.stringify(f.metadata),
          );
        }
        for (const d of c.dirs) {
          this.s.insertDir.run(
            repoId,
            c.id,
            d.path,
            d.hash,
            d.size,
            d.num_files,
            d.last_commit_id,
            JSON.stringify(d.data_types),
          );
        }
      }
      for (const [name, commitId] of data.branches) this.s.insertBranch.run(repoId, name, commitId);
      return repoId;
    })();
  }

  deleteRepo(namespace: string, name: string): boolean {
    const repo = this.findRepo(namespace, name);
    if (!repo) return false;
    this.db.transaction(() => this.deleteRepoRows(repo.id))();
    return true;
  }

  private deleteRepoRows(repoId: number): void {
    for (const table of ['commits', 'branches', 'files', 'dirs', 'compares', 'compare_rows']) {
      this.db.prepare(`DELETE FROM ${table} WHERE repo_id = ?`).run(repoId);
    }
    this.db.prepare('DELETE FROM repos WHERE id = ?').run(repoId);
    this.db.prepare('DELETE FROM blob_parts WHERE hash NOT IN (SELECT hash FROM files)').run();
  }

  /** Removes every repository and compare (the reset before fixtures are loaded again). */
  /** Runs `fn` in one transaction: all of its writes land, or none (a fixture that fails to load). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  clear(): void {
    this.db.transaction(() => {
      for (const table of [
        'repos',
        'blob_parts',
        'commits',
        'branches',
        'files',
        'dirs',
        'compares',
        'compare_rows',
      ]) {
        this.db.prepare(`DELETE FROM ${table}`).run();
      }
    })();
  }

  branchCommit(repoId: number, name: string): string | undefined {
    return this.s.branch.get(repoId, name) as string | undefined;
  }

  listBranches(repoId: number): Array<{ name: string; commit_id: string }> {
    return this.s.branches.all(repoId) as Array<{ name: string; commit_id: string }>;
  }

  getCommit(repoId: number, id: string): CommitRow | undefined {
    const row = this.s.commit.get(repoId, id) as Raw<CommitRow> | undefined;
    return row && { ...row, parent_ids: JSON.parse(row.parent_ids) as string[] };
  }

  listCommits(repoId: number): CommitRow[] {
    return (this.s.commits.all(repoId) as Array<Raw<CommitRow>>).map((row) => ({
      ...row,
      parent_ids: JSON.parse(row.parent_ids) as string[],
    }));
  }

  listFiles(repoId: number, commitId: string): FileRow[] {
    return (this.s.files.all(repoId, commitId) as Array<Raw<FileRow>>).map(parseFile);
  }

  getFile(repoId: number, commitId: string, path: string): FileRow | undefined {
    const row = this.s.file.get(repoId, commitId, path) as Raw<FileRow> | undefined;
    return row && parseFile(row);
  }

  listDirs(repoId: number, commitId: string): DirRow[] {
    return (this.s.dirs.all(repoId, commitId) as Array<Raw<DirRow>>).map(parseDir);
  }

  getDir(repoId: number, commitId: string, path: string): DirRow | undefined {
    const row = this.s.dir.get(repoId, commitId, path) as Raw<DirRow> | undefined;
    return row && parseDir(row);
  }

  /** Stores a file's content in parts (at least one, even when empty), once per hash. */
  private insertBlob(hash: string, content: Uint8Array): void {
    for (const [part, bytes] of partsOf(content).entries()) this.s.insertBlobPart.run(hash, part, bytes);
  }

  /**
   * A file's content read a part per turn of the event loop, so that reading a large one never holds
   * the loop for long; undefined when it is gone (or goes, by a reset, while being read). The buffer
   * owns its memory, so it can move to a worker thread.
   */
  async readBlob(hash: string): Promise<Buffer | undefined> {
    const sizes = this.s.blobPartSizes.all(hash) as Array<{ part: number; size: number }>;
    if (sizes.length === 0) return undefined;
    return joinParts(
      sizes.map((p) => p.size),
      (part) => this.s.blobPart.get(hash, part) as Buffer | undefined,
    );
  }
}

function parseFile(row: Raw<FileRow>): FileRow {
  return { ...row, metadata: JSON.parse(row.metadata) as unknown };
}

function parseDir(row: Raw<DirRow>): DirRow {
  return { ...row, data_types: JSON.parse(row.data_types) as DirRow['data_types'] };
}
