// Revision and base..head parsing as oxen-server 0.50.0 does it (reference §3).
import type { CommitRow, OxenStore, RepoRow } from '../../storage/oxen-store.js';
import { oxenError } from './errors.js';

const U128_MAX = (1n << 128n) - 1n;

/** HEAD, then an exact branch name (slashes allowed), then a full commit id read as a u128 hex number. */
export function resolveRevision(store: OxenStore, repo: RepoRow, revision: string): CommitRow | undefined {
  if (revision === 'HEAD') {
    const id = store.branchCommit(repo.id, repo.head_branch);
    return id === undefined ? undefined : store.getCommit(repo.id, id);
  }
  const branchId = store.branchCommit(repo.id, revision);
  if (branchId !== undefined) return store.getCommit(repo.id, branchId);
  if (!/^[0-9a-fA-F]{1,32}$/.test(revision)) return undefined;
  const value = BigInt(`0x${revision}`);
  if (value > U128_MAX) return undefined;
  return store.getCommit(repo.id, value.toString(16).padStart(32, '0'));
}

export function requireRevision(store: OxenStore, repo: RepoRow, revision: string): CommitRow {
  const commit = resolveRevision(store, repo, revision);
  if (!commit) throw oxenError({ kind: 'revision-not-found', revision });
  return commit;
}

/** 0.50.0 splits on every '..' and keeps the first two pieces; no '..' is a 500 Basic error. */
export function splitBaseHead(baseHead: string): [string, string] | undefined {
  const parts = baseHead.split('..');
  return parts.length < 2 ? undefined : [parts[0]!, parts[1]!];
}

export function resolveBaseHead(
  store: OxenStore,
  repo: RepoRow,
  baseHead: string,
): { base: CommitRow; head: CommitRow } {
  const parts = splitBaseHead(baseHead);
  if (!parts)
    throw oxenError({ kind: 'basic', message: 'Could not parse commits. Format should be base..head' });
  return { base: requireRevision(store, repo, parts[0]), head: requireRevision(store, repo, parts[1]) };
}

/**
 * `base..head/path/to/file`: the longest '/'-prefix of the head part that resolves is the revision.
 * Like 0.50.0, the path is what remains after removing *every* occurrence of the revision string and
 * one leading character; where 0.50.0 panics on an empty path we answer 404 ResourceNotFound.
 */
export function resolveBaseHeadResource(store: OxenStore, repo: RepoRow, tail: string) {
  const parts = splitBaseHead(tail);
  if (!parts) throw oxenError({ kind: 'resource-not-found', resource: tail });
  const [baseRev, headPart] = parts;
  const base = requireRevision(store, repo, baseRev);
  let revision: string | undefined;
  let head: CommitRow | undefined;
  const segments = headPart.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    const commit = resolveRevision(store, repo, prefix);
    if (commit) [revision, head] = [prefix, commit];
  }
  if (!head || revision === undefined) throw oxenError({ kind: 'revision-not-found', revision: headPart });
  const path = headPart.split(revision).join('').slice(1);
  if (path === '') throw oxenError({ kind: 'resource-not-found', resource: tail });
  return { base, head, path };
}
