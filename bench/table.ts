// Helpers shared by the benchmark scripts: an app, timing and the printed table.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type * as AppModule from '../src/app.js';
import type Database from 'better-sqlite3';
import type * as DbModule from '../src/storage/db.js';
import { generateTables, mulberry32, type TableSpec } from '../scripts/tables.js';

/**
 * A module of the built server (npm run build, which every bench script runs first), as `npm start`
 * runs it: its worker threads and child processes then load plain JavaScript, where the same module
 * under tsx would have them load TypeScript through tsx, and time that too.
 */
export async function built<T>(path: string): Promise<T> {
  return (await import(new URL(`../dist/src/${path}`, import.meta.url).href)) as T;
}

/**
 * The built app with no fixtures, its validators compiled as a listening server's are soon after it
 * starts, and `inject` that throws on anything but 200/201.
 */
export interface BenchApp {
  app: AppModule.App;
  /** Its database, for benchmarks of the storage beneath the API. */
  db: Database.Database;
  inject: (
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
  ) => Promise<{ statusCode: number; body: string }>;
  /** `inject`, its body parsed as JSON. */
  injectJson: (method: 'GET' | 'POST', url: string, payload?: object) => Promise<Record<string, unknown>>;
}

export async function benchApp(): Promise<BenchApp> {
  const { buildApp } = await built<typeof AppModule>('app.js');
  const { openDatabase } = await built<typeof DbModule>('storage/db.js');
  const db = openDatabase(':memory:');
  const app = await buildApp({ config: { data: '', logLevel: 'silent' }, db });
  await app.warmUp();
  // Fastify loads its injection library on the first inject, which a listening server never does:
  // load it here, with a request no benchmark times.
  await app.app.inject({ method: 'GET', url: '/_bench/not-found' });
  const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.app.inject({ method, url, ...(payload && { payload }) });
    if (res.statusCode !== 200 && res.statusCode !== 201)
      throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  };
  const injectJson = async (method: 'GET' | 'POST', url: string, payload?: object) =>
    JSON.parse((await inject(method, url, payload)).body) as Record<string, unknown>;
  return { app, db, inject, injectJson };
}

export async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const out = await fn();
  return [out, performance.now() - start];
}

/**
 * Runs `fn` and tells the longest the event loop was blocked meanwhile, in whole ms. The probe is a
 * timer, which sees a blocked loop only once it has fired before and fires again after: so it runs
 * for a moment before and after `fn`.
 */
export async function longestStall<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const pause = () => new Promise((done) => setTimeout(done, 20));
  loop.enable();
  await pause();
  const out = await fn();
  await pause();
  loop.disable();
  return [out, Math.round(loop.max / 1e6)];
}

/** Collects garbage now, when the bench runs with --expose-gc (see before the data diff in datafold.ts). */
export function collectGarbage(): void {
  globalThis.gc?.();
  globalThis.gc?.();
}

/**
 * collectGarbage, then a rest of 200 ms before anything is timed: V8 goes on with the collection's
 * sweeping, and with compiling the code that ran hot before, on its other threads after it returns,
 * and that work fell in the next request (the first list of all took 6.0-11.5 ms right after the
 * collection, and 5.5-5.8 ms after the rest, four runs of each, by hand). A server between two
 * requests has done it; one that seeded 100,000 records a moment before has not.
 */
export async function settle(): Promise<void> {
  collectGarbage();
  await new Promise((rest) => setTimeout(rest, 200));
}

/** Creates a data diff through the API (`body`, as POST /api/v1/datadiffs takes it) and polls it to its end. */
export async function runDatadiff(
  inject: BenchApp['injectJson'],
  body: object,
): Promise<Record<string, unknown>> {
  const created = await inject('POST', '/api/v1/datadiffs', body);
  let record = created;
  while (!['done', 'failed'].includes(record.status as string))
    record = await inject('GET', `/api/v1/datadiffs/${created.id}?poll`);
  return record;
}

/** Prints `rows` as a Markdown table, as the README shows them. */
export function printTable(rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${'benchmark'.padEnd(width)} | result |\n| ${'-'.repeat(width)} | --- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
}

/**
 * The built CLI in a process of its own (logs off, then `args`), once it prints its URL; `ms` is spawn
 * to listening.
 */
export function startCli(
  args: string[] = [],
  nodeFlags: string[] = [],
): Promise<{
  ms: number;
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}> {
  const began = performance.now();
  const cli = new URL('../dist/src/cli.js', import.meta.url).pathname;
  // As npm start and the Docker image run it.
  const flags = ['--max-semi-space-size=2', '--expose-gc', ...nodeFlags];
  const child = spawn(process.execPath, [...flags, cli, '--port', '0', '--log-level', 'silent', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (\S+)/.exec(chunk.toString());
      if (!match) return;
      const ms = performance.now() - began;
      child.removeAllListeners('exit');
      const stop = () => new Promise<void>((done) => child.once('exit', () => done()).kill('SIGTERM'));
      resolve({ ms, url: match[1]!, child, stop });
    });
  });
}

/** Each process's children, by parent pid, from /proc. */
function processTree(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return children;
}

/** A figure of `/proc/<pid>/status` in kB (VmRSS, VmHWM), or 0 once the process has ended. */
function statusKb(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory of a process and all its descendants, in MB, from /proc. */
export function treeRssMb(pid: number): number {
  const children = processTree();
  let kb = 0;
  const visit = (id: number) => {
    kb += statusKb(id, 'VmRSS');
    for (const child of children.get(id) ?? []) visit(child);
  };
  visit(pid);
  return kb / 1024;
}

/**
 * Runs `fn`, and tells this process's peak RSS meanwhile and its RSS before (in MB): the kernel's
 * high-water mark (VmHWM) is reset to the current RSS first (`/proc/self/clear_refs`), so the peak
 * is exact, not sampled. The data diffs run in a worker thread of this process.
 */
export async function ownPeakRssMb<T>(fn: () => Promise<T>): Promise<[T, { peak: number; before: number }]> {
  writeFileSync('/proc/self/clear_refs', '5');
  const before = statusKb(process.pid, 'VmRSS') / 1024;
  const out = await fn();
  return [out, { peak: statusKb(process.pid, 'VmHWM') / 1024, before }];
}

/** The keyed benchmarks' columns after `id`. */
export const KEYED_COLUMNS = ['name', 'category', 'value', 'score', 'flag', 'x1', 'x2', 'x3', 'x4'];

/** A keyed table with every name quoted, as many exports write them. */
export const quoteNames = (table: string) => table.replace(/,(item-[0-9a-z]+),/g, ',"$1",');

/**
 * The keyed benchmarks' tables, [base, head]: `rows` x 10 columns, seeded, with 1% of rows modified,
 * 0.5% added and 0.5% removed unless `changes` says otherwise.
 */
export function keyedTables(rows: number, changes: Partial<TableSpec> = {}): [string, string] {
  return generateTables({
    rows,
    extraColumns: 4,
    seed: 1,
    modified: 0.01,
    added: 0.005,
    removed: 0.005,
    ...changes,
  });
}

/** Two texts of `lines` lines, a share `changed` of them replaced (seeded), or unrelated to each other. */
export function textPair(lines: number, changed: number, unrelated: boolean): [string, string] {
  const rand = mulberry32(lines + Math.round(changed * 1000));
  const line = () => `line ${Math.floor(rand() * 1e9).toString(36)} ${Math.floor(rand() * 1e9).toString(36)}`;
  const before = Array.from({ length: lines }, line);
  const after = unrelated
    ? Array.from({ length: lines }, line)
    : before.map((l) => (rand() < changed ? line() : l));
  return [`${before.join('\n')}\n`, `${after.join('\n')}\n`];
}

/** The text diff cases of #6: [label, lines, share changed, unrelated]. */
export const textCases: Array<[string, number, number, boolean]> = [
  ['1k lines, 1% changed', 1_000, 0.01, false],
  ['10k lines, 1% changed', 10_000, 0.01, false],
  ['100k lines, 1% changed', 100_000, 0.01, false],
  ['10k lines, 30% changed', 10_000, 0.3, false],
  ['10k lines, 100% changed', 10_000, 1, false],
  ['10k lines, unrelated files', 10_000, 0, true],
];

/** A keyed compare of `path` between main and `head`, by id. */
export function compareBody(id: string, path: string, head = 'b') {
  return {
    compare_id: id,
    left: { path, version: 'main' },
    right: { path, version: head },
    keys: [{ left: 'id', right: 'id' }],
    compare: [],
    display: [],
  };
}

/** Wall time of a shell command (its exit status 0 or 1), `input` on its standard input. */
export function timed(command: string, args: string[], input?: string): number {
  const start = performance.now();
  const out = spawnSync(command, args, { input, stdio: ['pipe', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (out.status !== 0 && out.status !== 1) throw new Error(`${command}: ${out.stderr}`);
  return ms;
}

/**
 * The reference of the keyed compares: the sqlite3 shell importing two CSV files keyed by `keys`
 * (`id` unless said), indexing one side's key and running the full outer join that counts the rows
 * that differ in any of `columns`. Its wall time, in ms.
 */
export function sqliteJoinMs(a: string, b: string, columns: string[], keys = ['id']): number {
  const changed = columns.map((c) => `a.${c} IS NOT b.${c}`).join(' OR ');
  const joined = keys.map((k) => `a.${k} = b.${k}`).join(' AND ');
  const script = [
    '.mode csv',
    `.import ${a} a`,
    `.import ${b} b`,
    // Without an index sqlite runs the full join as a nested loop; with one, as a lookup per row.
    `CREATE INDEX b_key ON b(${keys.join(', ')});`,
    `SELECT count(*) FROM a FULL OUTER JOIN b ON ${joined} WHERE a.${keys[0]} IS NULL OR b.${keys[0]} IS NULL OR ${changed};`,
  ].join('\n');
  return timed('sqlite3', [':memory:'], script);
}

/** The middle value of `values` (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
