// Opens the database, builds the app and listens; closes everything on shutdown.
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './storage/db.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const db = openDatabase(config.db);
  try {
    const { app } = await buildApp({ config, db });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      close: async () => {
        await app.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
