// Reads the bundled fixture documents from disk: data/oxen/<namespace>/<repo>/repo.json, with the
// files they name by {"path": ...} read from beside them (never from outside that folder).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

export interface FixtureDocument {
  source: string;
  doc: unknown;
  readBeside: (path: string) => Uint8Array | undefined;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** A fixture file's JSON; a syntax error names the file (a fixture being edited under --watch). */
function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

export function readOxenFixtures(dataDir: string): FixtureDocument[] {
  const root = join(dataDir, 'oxen');
  if (!existsSync(root)) return [];
  const out: FixtureDocument[] = [];
  for (const namespace of subdirs(root)) {
    for (const repo of subdirs(join(root, namespace))) {
      const folder = resolve(root, namespace, repo);
      const source = join(folder, 'repo.json');
      if (!existsSync(source)) continue;
      out.push({
        source,
        doc: readJson(source),
        readBeside: (path) => {
          const file = resolve(folder, path);
          if (!file.startsWith(folder + sep) || !existsSync(file)) return undefined;
          return readFileSync(file);
        },
      });
    }
  }
  return out;
}

export interface DatafoldFixtures {
  /** data/datafold/sources/*.json: data source documents, their files read from data/datafold. */
  sources: FixtureDocument[];
  /** data/datafold/datadiffs.json: historical records. */
  datadiffs: unknown[];
}

/** Reads a file named relative to `<dataDir>/datafold`, never from outside it. */
export function datafoldFileReader(dataDir: string): (path: string) => Uint8Array | undefined {
  const root = resolve(dataDir, 'datafold');
  return (path) => {
    const file = resolve(root, path);
    if (!dataDir || !file.startsWith(root + sep) || !existsSync(file)) return undefined;
    return readFileSync(file);
  };
}

export function readDatafoldFixtures(dataDir: string): DatafoldFixtures {
  const root = resolve(dataDir, 'datafold');
  const sourcesDir = join(root, 'sources');
  const readBeside = datafoldFileReader(dataDir);
  const sources = existsSync(sourcesDir)
    ? readdirSync(sourcesDir)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => {
          const source = join(sourcesDir, name);
          return { source, doc: readJson(source), readBeside };
        })
    : [];
  const records = join(root, 'datadiffs.json');
  const datadiffs = existsSync(records) ? (readJson(records) as unknown[]) : [];
  return { sources, datadiffs };
}
