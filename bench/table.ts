// Helpers shared by the benchmark scripts: an app, timing and the printed table.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildApp, type App } from '../src/app.js';
import { openDatabase } from '../src/storage/db.js';
import { generateTables, type TableSpec } from '../scripts/tables.js';

/** An app with no fixtures, and `inject` that throws on anything but 200/201. */
export async function benchApp() {
  const app: App = await buildApp({ config: { data: '', logLevel: 'silent' }, db: openDatabase(':memory:') });
  const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.app.inject({ method, url, ...(payload && { payload }) });
    if (res.statusCode !== 200 && res.statusCode !== 201)
      throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  };
  return { app, inject };
}

export async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const out = await fn();
  return [out, performance.now() - start];
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
export function startCli(args: string[] = []): Promise<{
  ms: number;
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}> {
  const began = performance.now();
  const cli = new URL('../dist/src/cli.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, '--port', '0', '--log-level', 'silent', ...args], {
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

/** Resident memory of a process and all its descendants, in MB, from /proc. */
export function treeRssMb(pid: number): number {
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
  let kb = 0;
  const visit = (id: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Ended meanwhile.
    }
    for (const child of children.get(id) ?? []) visit(child);
  };
  visit(pid);
  return kb / 1024;
}

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
