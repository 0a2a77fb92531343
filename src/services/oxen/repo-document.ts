// The repository document (issue #2): one JSON shape for data/oxen/<ns>/<repo>/repo.json and for
// POST /_mock/oxen/repos. Validation names the first bad field, so a 400 says what to fix.
import { DocumentError } from '../document-error.js';

export type FileContent = string | { base64: string } | { path: string };

export interface CommitDoc {
  ref?: string;
  branch: string;
  parents?: string[];
  message: string;
  author: string;
  email: string;
  timestamp?: string;
  files: Record<string, FileContent>;
  delete: string[];
}

export interface RepoDoc {
  namespace: string;
  name: string;
  commits: CommitDoc[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, problem: string): never {
  throw new DocumentError(`${field}: ${problem}`);
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(field, 'must be a string');
  return v;
}

/** A repository path: relative, '/'-separated, no empty, '.' or '..' segments. */
export function checkPath(path: string, field: string): string {
  if (path === '' || path.startsWith('/') || path.endsWith('/'))
    fail(field, `'${path}' is not a relative file path`);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..')
      fail(field, `'${path}' has an empty, '.' or '..' segment`);
  }
  if (path.includes('\u0000')) fail(field, 'contains a NUL character');
  return path;
}

function checkContent(v: unknown, field: string): FileContent {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.base64 === 'string' && Object.keys(v).length === 1) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.base64.replace(/\s/g, ''))) fail(`${field}.base64`, 'is not base64');
    return { base64: v.base64 };
  }
  if (isObject(v) && typeof v.path === 'string' && Object.keys(v).length === 1) {
    return { path: checkPath(v.path, `${field}.path`) };
  }
  return fail(field, 'must be a string, {"base64": "..."} or {"path": "..."}');
}

/** Validates an untrusted document; throws DocumentError naming the first bad field. */
export function parseRepoDoc(input: unknown): RepoDoc {
  if (!isObject(input)) fail('document', 'must be a JSON object');
  const namespace = input.namespace;
  const name = input.name;
  if (typeof namespace !== 'string' || !NAME.test(namespace))
    fail('namespace', 'must be a name of letters, digits, ., _ or -');
  if (typeof name !== 'string' || !NAME.test(name))
    fail('name', 'must be a name of letters, digits, ., _ or -');
  if (!Array.isArray(input.commits) || input.commits.length === 0)
    fail('commits', 'must be a non-empty array');
  const refs = new Set<string>();
  const commits = input.commits.map((raw: unknown, i: number): CommitDoc => {
    const at = `commits[${i}]`;
    if (!isObject(raw)) fail(at, 'must be an object');
    const ref = optionalString(raw.ref, `${at}.ref`);
    const branch = optionalString(raw.branch, `${at}.branch`) ?? 'main';
    if (
      branch === '' ||
      branch.includes('..') ||
      branch.startsWith('/') ||
      branch.endsWith('/') ||
      branch === 'HEAD'
    ) {
      fail(`${at}.branch`, `'${branch}' is not a usable branch name`);
    }
    let parents: string[] | undefined;
    if (raw.parents !== undefined) {
      if (!Array.isArray(raw.parents) || raw.parents.some((p) => typeof p !== 'string')) {
        fail(`${at}.parents`, 'must be an array of refs');
      }
      parents = raw.parents as string[];
      parents.forEach((p, j) => {
        if (!refs.has(p)) fail(`${at}.parents[${j}]`, `'${p}' is not the ref of an earlier commit`);
      });
    }
    const timestamp = optionalString(raw.timestamp, `${at}.timestamp`);
    if (timestamp !== undefined && Number.isNaN(Date.parse(timestamp)))
      fail(`${at}.timestamp`, 'is not an RFC 3339 date-time');
    const files: Record<string, FileContent> = {};
    if (raw.files !== undefined) {
      if (!isObject(raw.files)) fail(`${at}.files`, 'must be an object of path to content');
      for (const [path, content] of Object.entries(raw.files)) {
        files[checkPath(path, `${at}.files`)] = checkContent(content, `${at}.files[${JSON.stringify(path)}]`);
      }
    }
    let deleted: string[] = [];
    if (raw.delete !== undefined) {
      if (!Array.isArray(raw.delete) || raw.delete.some((p) => typeof p !== 'string'))
        fail(`${at}.delete`, 'must be an array of paths');
      deleted = (raw.delete as string[]).map((p, j) => checkPath(p, `${at}.delete[${j}]`));
    }
    if (ref !== undefined) {
      if (refs.has(ref)) fail(`${at}.ref`, `'${ref}' is used twice`);
      refs.add(ref);
    }
    return {
      ...(ref !== undefined && { ref }),
      branch,
      ...(parents !== undefined && { parents }),
      message: optionalString(raw.message, `${at}.message`) ?? '',
      author: optionalString(raw.author, `${at}.author`) ?? 'ox',
      email: optionalString(raw.email, `${at}.email`) ?? 'ox@example.com',
      ...(timestamp !== undefined && { timestamp }),
      files,
      delete: deleted,
    };
  });
  return { namespace, name, commits };
}
