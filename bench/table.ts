// Helpers shared by the benchmark scripts: an app, timing and the printed table.
import { performance } from 'node:perf_hooks';
import { buildApp, type App } from '../src/app.js';
import { openDatabase } from '../src/storage/db.js';

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
