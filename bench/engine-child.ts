// One engine run for bench/engine.ts, in a process of its own: `keyed a.csv b.csv`, `table a.csv
// b.csv`, `parse a.csv`, `columns a.csv`, `scan a.csv` or `text a.txt b.txt`. Prints {ms, maxRssMb,
// …} as one JSON line; the time covers reading the files (and, for `keyed`, making the derived
// rows), but for `table`, `parse`, `columns` and `scan`, which time the engine over files already in
// memory. `keyed` also times the compare a second time in the same worker (againMs), and tells the
// process's memory before the first (idleRssMb); `columns` and `scan` time their work five more
// times in the same process, its code compiled as it goes, and give the median of those (laterMs).
// It is built with the server (tsconfig.build.json) and run as plain JavaScript, as the server runs,
// so that neither tsx's loader nor its memory is in the figures.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createComputePool } from '../src/services/compute/pool.js';
import { tableDiffTask, textDiffTask } from '../src/services/compute/tasks.js';
import { CsvSide } from '../src/engine/keyed-csv.js';
import { readFrame } from '../src/engine/read-frame.js';
import { csvTableSteps } from '../src/services/compute/csv-table.js';
import { runNow } from '../src/services/steps.js';
import { WARM_TABLES, warmUpCsv } from '../src/services/compute/warm-up.js';

const [kind, a, b] = process.argv.slice(2) as [string, string, string];

/** `fn`'s result and its time in ms. */
async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const out = await fn();
  return [out, performance.now() - start];
}

/** The median time of five more runs of `fn`. */
async function medianOfFive(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push((await timed(fn))[1]);
  return times.sort((x, y) => x - y)[2]!;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

let figures: { ms: number; [k: string]: unknown };
if (kind === 'keyed') {
  // The server's path: the compare runs in a worker thread of the compute pool, the files' bytes
  // moved to it. The worker is started first, with a tiny compare, as a running server's would be.
  const pool = createComputePool({ inlineBelowBytes: 0 });
  const params = { keys: ['id'], targets: [], display: [] };
  const tiny = { bytes: Buffer.from('id\n1\n'), extension: 'csv' };
  await pool.diffKeyed(tiny, { ...tiny, bytes: Buffer.from('id\n1\n') }, params);
  const idleRssMb = process.memoryUsage.rss() / 1024 / 1024;
  /** The compare's counts, and when they came (ms from its start): what the sqlite3 shell's join gives. */
  const compare = async () => {
    const start = performance.now();
    const out = await pool.diffKeyed(
      { bytes: readFileSync(a), extension: 'csv' },
      { bytes: readFileSync(b), extension: 'csv' },
      params,
    );
    const countsMs = performance.now() - start;
    if (!out.ok) throw new Error(JSON.stringify(out.error));
    // Its rows are read to their end, as the server reads them to store them: until then the
    // worker is still making them.
    for await (const bytes of out.rows) void bytes;
    const { added, removed, modified } = out.diff.counts;
    return { counts: `${added}+/${removed}-/${modified}~`, countsMs };
  };
  const [{ counts, countsMs }, ms] = await timed(compare);
  const maxRssMb = peakRssMb();
  // The same compare again, in the same worker: its code is compiled by now, as a running server's is.
  const [, againMs] = await timed(compare);
  await pool.close();
  figures = { ms, countsMs, againMs, maxRssMb, idleRssMb, counts };
} else if (kind === 'parse') {
  const bytes = readFileSync(a);
  const [frame, ms] = await timed(() => readFrame(bytes, 'csv'));
  figures = { ms, height: frame?.height };
} else if (kind === 'columns') {
  // A whole CSV read as registering a data source's table reads it: into typed columns, stored.
  // After the server's own warm-up at start, which builds made-up tables a few times (warm-up.ts).
  for (let i = 0; i < WARM_TABLES; i++) runNow(csvTableSteps(warmUpCsv(i), {}));
  // Its stored bytes as registering makes them: the chunks storage writes, not joined (since run 49).
  const bytes = readFileSync(a);
  const store = () => {
    const stored = runNow(csvTableSteps(bytes, {}));
    if (!stored.ok) throw new Error(stored.error);
  };
  const [, ms] = await timed(store);
  figures = { ms, laterMs: await medianOfFive(store) };
} else if (kind === 'table') {
  // The file endpoint's diff of two CSVs (rows matched by whole-row hash), on the calling thread.
  const [left, right] = [readFileSync(a), readFileSync(b)];
  const [view, ms] = await timed(() =>
    tableDiffTask(
      { bytes: left, extension: 'csv' },
      { bytes: right, extension: 'csv' },
      { page: 1, pageSize: 100 },
    ),
  );
  const { num_added_rows: added, num_removed_rows: removed } = view.summary;
  figures = { ms, counts: `${added}+/${removed}-` };
} else if (kind === 'scan') {
  // What the keyed compare reads of a file: its head, then one pass for row bounds and keys.
  const bytes = readFileSync(a);
  const scan = () => {
    const read = CsvSide.read(bytes);
    if (!read.ok) throw new Error(read.error);
    read.side.keyBytes([0], 0, true);
    return read.side.height;
  };
  const [height, ms] = await timed(scan);
  figures = { ms, laterMs: await medianOfFive(scan), height };
} else {
  const [lines, ms] = await timed(() => textDiffTask(readFileSync(a), readFileSync(b)));
  figures = { ms, lines: lines?.length };
}
console.log(JSON.stringify({ maxRssMb: peakRssMb(), ...figures }));
