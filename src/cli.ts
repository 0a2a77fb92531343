#!/usr/bin/env node
// `diffmock`: parse flags and environment, start the server, stop cleanly on SIGINT/SIGTERM.
import { ConfigError, loadConfig, usage } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  } catch (error) {
    console.error(`diffmock: ${(error as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
  if (config === 'help') {
    console.log(usage());
    return;
  }
  const server = await startServer(config);
  console.log(`diffmock listening on ${server.url}`);
  // The first signal stops gracefully (server.ts says what that finishes); a second one exits at once.
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`diffmock: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    `diffmock: ${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}`,
  );
  process.exit(1);
});
