// The programmatic API, for test runners: `import { startMockServer } from 'diffmock'`.
// Each call is an independent server (its own in-memory database) on a free port.
import { buildApp, type AppDeps } from './app.js';
import { BUNDLED_DATA } from './config.js';
import type { JournalEntry, JournalFilter } from './services/journal.js';
import { openDatabase } from './storage/db.js';

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
  const { db: file = ':memory:', port = 0, host = '127.0.0.1', logLevel = 'silent', ...config } = options;
  const db = openDatabase(file);
  try {
    const built = await buildApp({ config: { data: BUNDLED_DATA, ...config, logLevel }, db });
    await built.app.listen({ port, host });
    const address = built.app.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
      close: async () => {
        await built.app.close();
        db.close();
      },
      reset: built.reset,
      oxen: { createRepo: (doc) => built.repos.createRepo(doc) },
      datafold: {
        addDataSource: (source) => built.sources.register(source),
        seedDiffs: (records) => built.sources.seed(records),
      },
      requests: (filter) => built.journal.list(filter),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
