import type { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { BUNDLED_DATA } from '../src/config.js';
import { startServer } from '../src/server.js';
import { call } from './helpers/app.js';

// The fixtures watcher, as chokidar gives it: ready at once, and able to fail later.
const watchers = vi.hoisted(() => [] as EventEmitter[]);
vi.mock('chokidar', async () => {
  const { EventEmitter } = await import('node:events');
  return {
    watch: () => {
      const watcher = Object.assign(new EventEmitter(), { close: async () => {} });
      watchers.push(watcher);
      setImmediate(() => watcher.emit('ready'));
      return watcher;
    },
  };
});

describe('--watch', () => {
  it('keeps serving when the fixtures watcher fails (the system out of watches, say)', async () => {
    const server = await startServer({
      data: BUNDLED_DATA,
      watch: true,
      logLevel: 'silent',
      db: ':memory:',
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const error = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
        code: 'ENOSPC',
      });
      // An 'error' event nobody listens to is thrown (out of chokidar's handler, ending the process).
      expect(watchers[0]!.emit('error', error)).toBe(true);
      const res = await call(server.built, 'list_datadiffs', 'GET', '/api/v1/datadiffs?page_size=1');
      expect(res.statusCode).toBe(200);
      expect(res.json.count).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
