// One engine run for bench/engine.ts, in a process of its own: `keyed a.csv b.csv`, `parse a.csv`,
// `scan a.csv` or `text a.txt b.txt`. Prints {ms, maxRssMb, …} as one JSON line; the time covers reading the files.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { keyedDiffTask, textDiffTask } from '../src/services/compute/tasks.js';
import { CsvSide } from '../src/engine/keyed-csv.js';
import { readFrame } from '../src/engine/read-frame.js';

const [kind, a, b] = process.argv.slice(2) as [string, string, string];
const start = performance.now();
let extra: Record<string, unknown> = {};
if (kind === 'keyed') {
  const out = keyedDiffTask(
    { bytes: readFileSync(a), extension: 'csv' },
    { bytes: readFileSync(b), extension: 'csv' },
    { keys: ['id'], targets: [], display: [] },
  );
  if (!out.ok) throw new Error(JSON.stringify(out.error));
  const { added, removed, modified } = out.diff.counts;
  extra = { counts: `${added}+/${removed}-/${modified}~` };
} else if (kind === 'parse') {
  const frame = readFrame(readFileSync(a), 'csv');
  extra = { height: frame?.height };
} else if (kind === 'scan') {
  // What the keyed compare reads of a file: its head, then one pass for row bounds and keys.
  const text = readFileSync(a, 'latin1');
  const read = CsvSide.read(text);
  if (!read.ok) throw new Error(read.error);
  read.side.keyBytes([0], 0, true);
  extra = { height: read.side.height };
} else {
  const lines = textDiffTask(readFileSync(a), readFileSync(b));
  extra = { lines: lines?.length };
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra }));
