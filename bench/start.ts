// Start-up and reset: the built CLI started on the bundled fixtures, timed from spawn to its
// "listening" line (node's own start included); then POST /_mock/reset on a server that has settled
// (its validators compile in the background for a moment after it listens). Medians of several runs.
import { median, printTable, startCli } from './table.js';

const RUNS = Number(process.env.BENCH_STARTS ?? 9);

const starts: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const server = await startCli();
  starts.push(server.ms);
  await server.stop();
}
const resets: number[] = [];
const server = await startCli();
await new Promise((settled) => setTimeout(settled, 3000));
for (let j = 0; j < 5 * RUNS; j++) {
  const began = performance.now();
  const res = await fetch(`${server.url}/_mock/reset`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`reset answered ${res.status}`);
  resets.push(performance.now() - began);
}
await server.stop();
// The collection of the validators' garbage once they are compiled (src/server.ts): V8's own line for
// it under --trace-gc (a collection asked for by gc() says "testing").
const traced = await startCli([], ['--trace-gc']);
const collection = await new Promise<RegExpExecArray>((found, failed) => {
  const line = /(\d+) ms: Mark-Compact ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) .*testing/;
  traced.child.stdout!.on('data', (chunk: Buffer) => {
    const match = line.exec(chunk.toString());
    if (match) found(match);
  });
  setTimeout(() => failed(new Error('no start-up collection within 20 s')), 20_000).unref();
});
await traced.stop();
const [, at, before, after, pause] = collection;
printTable([
  [
    `start on the bundled fixtures (median of ${RUNS}; min-max)`,
    `${median(starts).toFixed(0)} ms (${Math.min(...starts).toFixed(0)}-${Math.max(...starts).toFixed(0)})`,
  ],
  [`POST /_mock/reset (median of ${resets.length})`, `${median(resets).toFixed(1)} ms`],
  [
    'start-up collection, once the validators are compiled (--trace-gc)',
    `heap ${before} -> ${after} MB, one pause of ${pause} ms, ${at} ms after Node started`,
  ],
]);
