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
        doc: JSON.parse(readFileSync(source, 'utf8')) as unknown,
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
          return { source, doc: JSON.parse(readFileSync(source, 'utf8')) as unknown, readBeside };
        })
    : [];
  const records = join(root, 'datadiffs.json');
  const datadiffs = existsSync(records) ? (JSON.parse(readFileSync(records, 'utf8')) as unknown[]) : [];
  return { sources, datadiffs };
}
