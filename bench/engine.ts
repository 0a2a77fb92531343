// The diff engine side by side with the tools it stands in for, on the same files: the keyed CSV
// compare against the sqlite3 shell (import both, full outer join), the text diff against GNU
// `diff --minimal`. Each run is timed in its own process, so peak memory is its own. Prints one table.
// Run: npm run bench:engine  (BENCH_KEYED_ROWS, comma-separated, sets the keyed sizes)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KEYED_COLUMNS,
  keyedTables,
  median,
  quoteNames,
  printTable,
  sqliteJoinMs,
  textCases,
  textPair,
  timed,
} from './table.js';

const dir = mkdtempSync(join(tmpdir(), 'diffmock-bench-'));
const rows: Array<[string, string]> = [];
const mb = (bytes: number) => bytes / 1024 / 1024;

/** Runs bench/engine-child.ts on `args`; it prints one JSON line of figures. */
function child(args: string[]): { ms: number; maxRssMb: number; [k: string]: unknown } {
  // The built child (npm run build), not this file's sibling through tsx: see engine-child.ts.
  const out = spawnSync(
    process.execPath,
    [new URL('../dist/bench/engine-child.js', import.meta.url).pathname, ...args],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (out.status !== 0) throw new Error(`engine-child ${args.join(' ')}: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

// ---- Keyed CSV diff: N rows x 10 columns, 1% modified, 0.5% added, 0.5% removed. ----

for (const n of (process.env.BENCH_KEYED_ROWS ?? '100000,1000000').split(',').map(Number)) {
  for (const quoted of [false, true]) {
    let [base, head] = keyedTables(n);
    if (quoted) [base, head] = [quoteNames(base), quoteNames(head)];
    const a = join(dir, `a-${n}-${quoted}.csv`);
    const b = join(dir, `b-${n}-${quoted}.csv`);
    writeFileSync(a, base);
    writeFileSync(b, head);
    const size = mb(base.length + head.length);
    const label = `${n.toLocaleString()} rows x 10 cols${quoted ? ', names quoted' : ', quote-free'} (${size.toFixed(0)} MB)`;
    const ours = [child(['keyed', a, b]), child(['keyed', a, b]), child(['keyed', a, b])];
    const countsMs = median(ours.map((r) => r.countsMs as number));
    const oursMs = median(ours.map((r) => r.ms));
    const againMs = median(ours.map((r) => r.againMs as number));
    const sqliteMs = median([0, 1, 2].map(() => sqliteJoinMs(a, b, KEYED_COLUMNS)));
    const peak = Math.max(...ours.map((r) => r.maxRssMb));
    const idle = median(ours.map((r) => r.idleRssMb as number));
    const mbps = (ms: number) => (size / (ms / 1000)).toFixed(0);
    const against = (ms: number) => `${(sqliteMs / ms).toFixed(2)}x sqlite3, ${mbps(ms)} MB/s`;
    rows.push([
      `keyed diff, ${label}`,
      `${countsMs.toFixed(0)} ms to its counts vs sqlite3 ${sqliteMs.toFixed(0)} ms: ${against(countsMs)}; to its last row ${oursMs.toFixed(0)} ms: ${against(oursMs)} [${ours[0]!.counts}]`,
    ]);
    rows.push([
      `  the same compare again in that worker / its memory`,
      `${againMs.toFixed(0)} ms to its last row: ${against(againMs)} / peak rss ${peak.toFixed(0)} MB (${(peak / size).toFixed(1)}x the files), ${(peak - idle).toFixed(0)} MB over the idle process's ${idle.toFixed(0)} MB (${((peak - idle) / size).toFixed(1)}x the files)`,
    ]);
    const tables = [0, 1, 2].map(() => child(['table', a, b]));
    const tableMs = median(tables.map((r) => r.ms));
    rows.push([
      `  the file endpoint's diff of the two (whole-row hashes), one thread`,
      `${tableMs.toFixed(0)} ms, ${(sqliteMs / tableMs).toFixed(2)}x sqlite3's join, ${mbps(tableMs)} MB/s [${tables[0]!.counts}]`,
    ]);
    const scans = [0, 1, 2].map(() => child(['scan', a]));
    const columns = [0, 1, 2].map(() => child(['columns', a]));
    const parse = child(['parse', a]);
    const rate = (ms: number) => `${(mb(base.length) / (ms / 1000)).toFixed(0)} MB/s`;
    /** The medians of a fresh process's first run and of its later ones, as rates. */
    const firstThenLater = (runs: typeof scans) =>
      `${rate(median(runs.map((r) => r.ms)))} (then ${rate(median(runs.map((r) => r.laterMs as number)))})`;
    rows.push([
      `  one file in memory: scan pass of the compare / read into a table's typed columns / into a frame of cells (then: five more runs in that process, the median)`,
      `${firstThenLater(scans)} / ${firstThenLater(columns)} / ${rate(parse.ms)}`,
    ]);
  }
}

// ---- Text diff: 1k, 10k, 100k lines at 1%; worst cases at 10k lines. ----

for (const [label, lines, changed, unrelated] of textCases) {
  const [before, after] = textPair(lines, changed, unrelated);
  const a = join(dir, 'before.txt');
  const b = join(dir, 'after.txt');
  writeFileSync(a, before);
  writeFileSync(b, after);
  const ours = median([0, 1, 2].map(() => child(['text', a, b]).ms));
  const gnu = median([0, 1, 2].map(() => timed('diff', ['--minimal', a, b])));
  rows.push([
    `text diff, ${label}`,
    `${ours.toFixed(0)} ms vs diff --minimal ${gnu.toFixed(0)} ms: ${(ours / gnu).toFixed(2)}x its time`,
  ]);
}

rmSync(dir, { recursive: true, force: true });
printTable(rows);
