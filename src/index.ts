// The programmatic API, for test runners: `import { startMockServer } from 'diffmock'`.
// Each call is an independent server (its own in-memory database) on a free port.
import type { AppDeps } from './app.js';
import { BUNDLED_DATA } from './config.js';
import { startServer } from './server.js';
import type { JournalEntry, JournalFilter } from './services/journal.js';

export type { JournalEntry, JournalFilter } from './services/journal.js';

export interface MockServerOptions extends Partial<Omit<AppDeps['config'], 'logLevel'>> {
  /** Fixture folder; the bundled one by default, "" for none. */
  data?: string;
  /** SQLite file; in memory by default. */
  db?: string;
  /** 0 (a free port) by default. */
  port?: number;
  host?: string;
  logLevel?: string;
}

export interface MockServer {
  /** `http://127.0.0.1:<port>`, the base URL of both APIs. */
  url: string;
  close(): Promise<void>;
  /** Back to the fixtures: drops created repositories, compares, data sources, diffs and the journal. */
  reset(): Promise<void>;
  oxen: {
    /** Creates or replaces a repository from a repository document (see the README). */
    createRepo(doc: unknown): Promise<{ namespace: string; name: string; commits: Record<string, string> }>;
  };
  datafold: {
    addDataSource(source: unknown): { id: number; name: string; tables: string[] };
    seedDiffs(records: unknown): number[];
  };
  /** The API requests answered so far, oldest first. */
  requests(filter?: JournalFilter): JournalEntry[];
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { db = ':memory:', port = 0, host = '127.0.0.1', logLevel = 'silent', ...config } = options;
  const { url, built, close } = await startServer({
    data: BUNDLED_DATA,
    ...config,
    logLevel,
    db,
    port,
    host,
  });
  return {
    url,
    close,
    reset: built.reset,
    oxen: { createRepo: (doc) => built.repos.createRepo(doc) },
    datafold: {
      addDataSource: (source) => built.sources.register(source),
      seedDiffs: (records) => built.sources.seed(records),
    },
    requests: (filter) => built.journal.list(filter),
  };
}
