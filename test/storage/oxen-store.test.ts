import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { OxenStore } from '../../src/storage/oxen-store.js';

// File contents are stored in 1 MiB parts and read back a part per turn of the event loop.
const repo = (blobs: Map<string, Uint8Array>) => ({
  namespace: 'n',
  name: 'r',
  headBranch: 'main',
  blobs,
  commits: [],
  branches: new Map<string, string>(),
});

describe('file contents', () => {
  it('come back whole, whatever their size against the 1 MiB parts', async () => {
    const store = new OxenStore(openDatabase(':memory:'));
    const sizes = [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2.5 * (1 << 20)];
    const contents = sizes.map((size, i) => Buffer.alloc(size, i + 1).fill(7, Math.floor(size / 2)));
    store.replaceRepo(repo(new Map(contents.map((c, i) => [`h${i}`, c]))));
    for (const [i, content] of contents.entries())
      expect((await store.readBlob(`h${i}`))?.equals(content)).toBe(true);
    expect(await store.readBlob('absent')).toBeUndefined();
  });

  it('are read a part per turn of the event loop', async () => {
    const store = new OxenStore(openDatabase(':memory:'));
    store.replaceRepo(repo(new Map([['big', Buffer.alloc(4 << 20, 1)]])));
    let ticks = 0;
    let ticker = setImmediate(function tick() {
      ticks++;
      ticker = setImmediate(tick);
    });
    await store.readBlob('big');
    clearImmediate(ticker);
    // Four parts: three turns between them.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('written before they were stored in parts are kept, each as one part', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'diffmock-blobs-')), 'old.db');
    const old = new Database(file);
    old.exec('CREATE TABLE blobs (hash TEXT PRIMARY KEY, content BLOB NOT NULL) WITHOUT ROWID');
    const content = Buffer.alloc(3 << 20, 9);
    old.prepare('INSERT INTO blobs VALUES (?, ?)').run('h', content);
    old.close();
    const db = openDatabase(file);
    expect((await new OxenStore(db).readBlob('h'))?.equals(content)).toBe(true);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'blobs'").all();
    expect(tables).toEqual([]);
    db.close();
  });
});
