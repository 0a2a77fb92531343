// HTTP throughput side by side, each server in a process of its own, autocannon at 100 connections in
// this one: a bare Fastify answering the exact bytes of diffmock's entries response (the ceiling),
// diffmock's entries, file diff and derived-frame page with response validation off and on, and Prism
// 5.14 mocking the entries operation from openapi/oxen.json (fetched with npx; skipped if it cannot
// be). Each diffmock ratio is against a run of the bare server just before it, and the ratios to Prism
// against a run of Prism just after diffmock's entries, in three such pairs. Prints one table.
// Run: npm run bench:http  (BENCH_HTTP_SECONDS sets each target's time, split over the rounds; default 10)
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compareBody, printTable, startCli, treeRssMb } from './table.js';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const REPO = '/api/repos/ox/compare-datasets/compare';
const ROUTES = {
  entries: `${REPO}/entries/main..feature/add-labels`,
  'file diff (CSV)': `${REPO}/file/main..feature/add-labels/data/train/labels.csv`,
  'derived frame page': `${REPO}/data_frames/bench/diff?page=1&page_size=10`,
};
const rows: Array<[string, string]> = [];

interface Run {
  rps: number;
  p50: number;
  p99: number;
}

async function load(url: string, seconds: number, headers: Record<string, string> = {}): Promise<Run> {
  // Warm up first (validators compile and caches fill on first use).
  await autocannon({ url, headers, connections: 10, duration: 1 });
  const result = await autocannon({ url, headers, connections: 100, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const show = (run: Run) => `${Math.round(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms`;

/** How long a server may take to say it listens (npx may first fetch Prism). */
const START_MS = 180_000;

/** A child process that prints `listening on <url>` (or Prism's "listening on"), with its start time. */
function started(child: ChildProcess, pattern: RegExp): Promise<{ url: string; ms: number }> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line within ${START_MS / 1000} s: ${seen.slice(-500)}`)),
      START_MS,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      // From here on its output (Prism logs every request) is read and dropped.
      child.stdout!.off('data', onData).resume();
      child.stderr!.off('data', onData).resume();
      resolve({ url: match[1]!, ms: performance.now() - began });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${seen.slice(-500)}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const stopTree = (child: ChildProcess) =>
  new Promise<void>((done) => {
    child.once('exit', () => done());
    process.kill(-child.pid!, 'SIGTERM');
  });

// The ceiling: bare Fastify sending the entries answer's bytes, started once diffmock has given them.
async function startBare(body: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const bodyFile = join(mkdtempSync(join(tmpdir(), 'diffmock-http-')), 'entries.json');
  writeFileSync(bodyFile, body);
  const bare = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./bare-server.ts', import.meta.url).pathname, bodyFile],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { url: (await started(bare, /listening on (\S+)/)).url, stop: () => stopTree(bare) };
}

// Prism, mocking the entries operation from our spec, started first (it takes seconds) and stopped
// however the run ends. Its router does not let a path parameter hold '/', so it gets a base..head
// without one; the spec declares bearer authentication, which Prism enforces.
let prism: { child: ChildProcess; ms: number; url: string } | undefined;
let prismFailure = '';
const PRISM_AUTH = { authorization: 'Bearer bench' };
try {
  const port = await freePort();
  const child = spawn(
    'npx',
    [
      '-y',
      '@stoplight/prism-cli@5.14.2',
      'mock',
      new URL('../openapi/oxen.json', import.meta.url).pathname,
      '-p',
      String(port),
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prism = { child, ms: 0, url: `http://127.0.0.1:${port}${REPO}/entries/main..main` };
  // Should a diffmock run fail, the bench exits with Prism still running: it is stopped then.
  process.once('exit', () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
  });
  prism.ms = (await started(child, /Prism is listening on (http\S+)/)).ms;
} catch (e) {
  prismFailure = (e as Error).message;
  if (prism) await stopPrism();
  prism = undefined;
}
async function stopPrism() {
  if (prism && prism.child.exitCode === null) await stopTree(prism.child);
}
/**
 * Runs of diffmock's entries (validation on), each followed by one of Prism as long: PRISM_PAIRS
 * pairs, the ratios to Prism taken within a pair.
 */
const pairs: Array<{ diffmock: Run; prism: Run }> = [];
const PRISM_PAIRS = 3;

// diffmock with validation off, then on. The machine's speed drifts from one second to the next, so
// each diffmock route is measured in ROUNDS short runs, each right after a run of the bare server:
// a ratio is taken within a round, and the median round is shown.
const ROUNDS = 3;
const results: Record<string, { run: Run; ratio: number }> = {};
const bareRuns: Run[] = [];
let diffmockStart = 0;
let diffmockRss = 0;
let entriesBody = '';
let bare: Awaited<ReturnType<typeof startBare>> | undefined;
const median = <T>(items: T[], by: (item: T) => number) =>
  [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)]!;
for (const mode of ['off', 'warn'] as const) {
  const { url, ms, stop, child } = await startCli(['--validate-responses', mode]);
  diffmockStart ||= ms;
  const created = await fetch(`${url}${REPO}/data_frames`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(compareBody('bench', 'data/train/labels.csv', 'feature/add-labels')),
  });
  if (!created.ok) throw new Error(`creating the compare: ${created.status}`);
  entriesBody ||= await (await fetch(`${url}${ROUTES.entries}`)).text();
  bare ??= await startBare(entriesBody);
  // As bench/start.ts does: let the server finish compiling its validators in the background.
  await new Promise((done) => setTimeout(done, 3000));
  const rounds: Record<string, Array<{ run: Run; ratio: number }>> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, path] of Object.entries(ROUTES)) {
      const reference = await load(bare.url + ROUTES.entries, SECONDS / ROUNDS);
      const run = await load(url + path, SECONDS / ROUNDS);
      bareRuns.push(reference);
      (rounds[`${name}, validation ${mode}`] ??= []).push({ run, ratio: run.rps / reference.rps });
    }
  }
  for (const [name, runs] of Object.entries(rounds)) results[name] = median(runs, (r) => r.ratio);
  if (prism && mode === 'warn') {
    try {
      for (let pair = 0; pair < PRISM_PAIRS; pair++) {
        const diffmock = await load(url + ROUTES.entries, SECONDS);
        pairs.push({ diffmock, prism: await load(prism.url, SECONDS, PRISM_AUTH) });
      }
    } catch (e) {
      prismFailure = (e as Error).message;
      pairs.length = 0;
    }
  }
  diffmockRss = Math.max(diffmockRss, treeRssMb(child.pid!));
  await stop();
}
await bare!.stop();
const ceiling = median(bareRuns, (r) => r.rps);

rows.push([
  `bare Fastify, the same ${(entriesBody.length / 1024).toFixed(1)} KB body (median run)`,
  show(ceiling),
]);
for (const [name, { run, ratio }] of Object.entries(results))
  rows.push([`diffmock ${name}`, `${show(run)} (${(100 * ratio).toFixed(0)}% of bare, median round)`]);

if (prism && pairs.length > 0) {
  const rss = treeRssMb(prism.child.pid!);
  await stopPrism();
  const speedup = (pair: (typeof pairs)[number]) => pair.diffmock.rps / pair.prism.rps;
  const tail = (pair: (typeof pairs)[number]) => (100 * pair.diffmock.p99) / Math.max(pair.prism.p99, 1);
  const all = (f: (pair: (typeof pairs)[number]) => string) => pairs.map(f).join(', ');
  const share = (run: Run) => `${((100 * run.rps) / ceiling.rps).toFixed(0)}% of the median bare run`;
  const middle = median(pairs, speedup);
  rows.push([
    `diffmock entries, validation warn, before Prism (pair of the median speed-up)`,
    `${show(middle.diffmock)} (${share(middle.diffmock)})`,
  ]);
  rows.push(['Prism 5.14.2 mock of entries, right after', `${show(middle.prism)} (${share(middle.prism)})`]);
  rows.push([
    `diffmock vs Prism, entries with validation on (median of ${pairs.length} pairs)`,
    `${speedup(middle).toFixed(1)}x the throughput (${all((p) => `${speedup(p).toFixed(1)}x`)}), p99 ${tail(median(pairs, tail)).toFixed(1)}% of Prism's (${all((p) => `${p.diffmock.p99}/${p.prism.p99} ms`)})`,
  ]);
  rows.push([
    'start (spawn to listening) / server rss',
    `diffmock ${diffmockStart.toFixed(0)} ms / ${diffmockRss.toFixed(0)} MB; Prism ${prism.ms.toFixed(0)} ms / ${rss.toFixed(0)} MB`,
  ]);
} else {
  await stopPrism();
  rows.push(['Prism 5.14.2', `not measured: ${prismFailure.slice(0, 120)}`]);
}

printTable(rows);
