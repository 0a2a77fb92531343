// Helpers shared by the benchmark scripts: timing and the printed table.
import { performance } from 'node:perf_hooks';

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
