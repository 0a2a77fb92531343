import Database from 'better-sqlite3';
import { datadiffsDdl } from './datafold-fields.js';

export type Db = Database.Database;

// Idempotent: safe to apply to a file database on every start.
const DDL = `
CREATE TABLE IF NOT EXISTS repos (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  head_branch TEXT NOT NULL,
  UNIQUE (namespace, name)
);
CREATE TABLE IF NOT EXISTS blob_parts (
  hash TEXT NOT NULL,
  part INTEGER NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (hash, part)
);
CREATE TABLE IF NOT EXISTS commits (
  repo_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  parent_ids TEXT NOT NULL,
  message TEXT NOT NULL,
  author TEXT NOT NULL,
  email TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  PRIMARY KEY (repo_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS branches (
  repo_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  PRIMARY KEY (repo_id, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
  repo_id INTEGER NOT NULL,
  commit_id TEXT NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL,
  size INTEGER NOT NULL,
  data_type TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  extension TEXT NOT NULL,
  metadata TEXT,
  PRIMARY KEY (repo_id, commit_id, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirs (
  repo_id INTEGER NOT NULL,
  commit_id TEXT NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL,
  size INTEGER NOT NULL,
  num_files INTEGER NOT NULL,
  last_commit_id TEXT NOT NULL,
  data_types TEXT NOT NULL,
  PRIMARY KEY (repo_id, commit_id, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS compares (
  repo_id INTEGER NOT NULL,
  compare_id TEXT NOT NULL,
  left_commit TEXT NOT NULL,
  right_commit TEXT NOT NULL,
  columns TEXT NOT NULL,
  height INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  PRIMARY KEY (repo_id, compare_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS compare_rows (
  repo_id INTEGER NOT NULL,
  compare_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  row TEXT NOT NULL,
  PRIMARY KEY (repo_id, compare_id, generation, idx)
) WITHOUT ROWID;
`;

/**
 * Stored compares are caches (oxen keeps them under .oxen/cache): a file database written before
 * compares had generations simply loses them rather than being migrated.
 */
function dropOutdatedCaches(db: Db): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('compares')").pluck().all();
  if (columns.length > 0 && !columns.includes('generation'))
    db.exec('DROP TABLE compares; DROP TABLE IF EXISTS compare_rows;');
}

/**
 * File contents were one row each in `blobs` before they were stored in parts (oxen-store.ts says
 * why). A database written then keeps them, each as a single part, which readers take as they are.
 */
function splitBlobs(db: Db): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs'").get();
  if (!old) return;
  db.transaction(() => {
    db.exec('INSERT OR IGNORE INTO blob_parts (hash, part, content) SELECT hash, 0, content FROM blobs');
    db.exec('DROP TABLE blobs');
  })();
}

/**
 * A data source's tables were one row each in `df_tables` before they were stored in parts, as file
 * contents are. A database written then keeps them, each as a single part.
 */
function splitTables(db: Db): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'df_tables'").get();
  if (!old) return;
  db.transaction(() => {
    db.exec(
      'INSERT OR IGNORE INTO df_table_parts (source_id, name, part, data) SELECT source_id, name, 0, CAST(data AS BLOB) FROM df_tables',
    );
    db.exec('DROP TABLE df_tables');
  })();
}

/** Opens (or creates) the database, sets pragmas and applies the schema. `:memory:` by default. */
export function openDatabase(file = ':memory:'): Db {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  dropOutdatedCaches(db);
  db.exec(DDL);
  splitBlobs(db);
  db.exec(datadiffsDdl());
  splitTables(db);
  return db;
}
