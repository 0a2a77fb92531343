// Opens the database, builds the app and listens; watches the fixtures when asked; closes everything on
// shutdown.
import { watch as watchFiles } from 'chokidar';
import { buildApp, type App, type AppDeps } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './storage/db.js';

export type ServerConfig = AppDeps['config'] &
  Pick<Config, 'db' | 'port' | 'host'> &
  Partial<Pick<Config, 'watch'>>;

/** Edits arrive as bursts of events (an editor's temp file, rename, write): reload once they settle. */
const WATCH_SETTLE_MS = 150;

/** Reloads the fixtures when files under `dir` change. A fixture that fails to load is logged and
 * leaves the data as it was. Resolves once the watcher is ready; returns its closer. */
async function watchFixtures(dir: string, built: App): Promise<() => Promise<void>> {
  const log = built.app.log;
  let timer: NodeJS.Timeout | undefined;
  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      try {
        await built.reloadFixtures();
        log.info({ dir }, 'fixtures reloaded');
      } catch (error) {
        log.warn({ err: error }, 'fixtures not reloaded: the data was left as it was');
      }
    });
  };
  const watcher = watchFiles(dir, {
    ignoreInitial: true,
    ignored: (path) => path.endsWith('.sqlite-journal'),
  });
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(reload, WATCH_SETTLE_MS);
  });
  // Such as ENOSPC, when the system's limit of watches is reached: an 'error' event nobody listens
  // to is thrown, and would end the server. The server goes on; some changes may go unseen.
  watcher.on('error', (error) => log.warn({ err: error }, 'fixtures watcher: changes may not be reloaded'));
  await new Promise<void>((ready) => watcher.once('ready', ready));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
    await reloading;
  };
}

export interface RunningServer {
  url: string;
  /** The built app, for the programmatic API (index.ts). */
  built: App;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const db = openDatabase(config.db);
  let built: App | undefined;
  let unwatch: (() => Promise<void>) | undefined;
  // Fastify stops accepting, waits for the requests in flight, then stops the running jobs (their
  // writes are single transactions, so none is cut in half); the database closes last.
  const close = async () => {
    await unwatch?.();
    await built?.app.close();
    db.close();
  };
  try {
    built = await buildApp({ config, db });
    if (config.watch && config.data) unwatch = await watchFixtures(config.data, built);
    await built.app.listen({ port: config.port, host: config.host });
    const app = built.app;
    // Compiling the validators leaves tens of MB of garbage (bench/start.ts prints the collection),
    // which V8 would otherwise collect only once the process had grown under load. Started with
    // --expose-gc (npm start, the Docker image), the server collects it once, right after.
    built
      .warmUp()
      .then(() => globalThis.gc?.())
      .catch((error: unknown) => app.log.error({ err: error }, 'warm-up failed'));
    const address = built.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return { url: `http://${host}:${port}`, built, close };
  } catch (error) {
    await close();
    throw error;
  }
}
