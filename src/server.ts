// Opens the database, builds the app and listens; closes everything on shutdown.
import { buildApp, type App, type AppDeps } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './storage/db.js';

export type ServerConfig = AppDeps['config'] & Pick<Config, 'db' | 'port' | 'host'>;

export interface RunningServer {
  url: string;
  /** The built app, for the programmatic API (index.ts). */
  built: App;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const db = openDatabase(config.db);
  try {
    const built = await buildApp({ config, db });
    await built.app.listen({ port: config.port, host: config.host });
    const address = built.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      built,
      close: async () => {
        await built.app.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
