// The Datafold data diff engine on the keyed suite's tables (bench/engine.ts): N rows x 10 columns,
// 1% of rows modified, 0.5% added, 0.5% removed, quote-free and with every name quoted. Both tables
// are registered as data sources through the admin service, then diffed through the API, against the
// sqlite3 shell importing the same two CSV files and running the full outer join; the largest quoted
// tables are then diffed keyed by name and by id and category, against the shell's join on the same
// keys. Prints one table.
// Run after `npm run build`: node --expose-gc --import tsx bench/datadiff.ts  (BENCH_KEYED_ROWS sets the sizes)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchApp,
  KEYED_COLUMNS,
  keyedTables,
  median,
  ownPeakRssMb,
  printTable,
  quoteNames,
  runDatadiff,
  settle,
  sqliteJoinMs,
  time,
} from './table.js';

const rows: Array<[string, string]> = [];
const mb = (bytes: number) => bytes / 1024 / 1024;

async function main(): Promise<void> {
  const { app, injectJson: inject } = await benchApp();
  const dir = mkdtempSync(join(tmpdir(), 'diffmock-bench-'));
  const diff = (keys = ['id']) =>
    runDatadiff(inject, {
      data_source1_id: 1,
      data_source2_id: 2,
      table1: ['DB', 'S', 'T'],
      table2: ['DB', 'S', 'T'],
      pk_columns: keys,
    });
  // Three times, the median shown: one data diff's time drifts between runs in one process (that of
  // two 1M-row tables from 1.8 to 3.3 s, by hand, when the diffs ran in a child process).
  const threeDiffs = async (keys?: string[]) => {
    const runs: Array<{ done: Record<string, unknown>; ms: number; peak: number; over: number }> = [];
    for (let i = 0; i < 3; i++) {
      await settle();
      const [[done, ms], rss] = await ownPeakRssMb(() => time(() => diff(keys)));
      if (done.status !== 'done') throw new Error(`the data diff ended ${String(done.status)}`);
      runs.push({ done, ms, peak: rss.peak, over: rss.peak - rss.before });
    }
    const stats = runs[0]!.done.diff_stats as { diff_rows_count: number; diff_pks: number };
    const ms = median(runs.map((r) => r.ms));
    const times = `${ms.toFixed(0)} ms (median of 3; ${runs.map((r) => r.ms.toFixed(0)).join(', ')})`;
    const counts = `[${stats.diff_rows_count} rows differ, ${stats.diff_pks} of the keys]`;
    return { ms, times, counts, worst: runs.reduce((a, b) => (b.over > a.over ? b : a)) };
  };
  const sizes = (process.env.BENCH_KEYED_ROWS ?? '100000,1000000').split(',').map(Number);
  // A tiny data diff first, untimed: it starts the worker thread that the data diffs run in, as a
  // running server's first compare or data diff has.
  app.sources.register({ id: 1, name: 'prod', tables: { 'DB.S.T': { csv: 'id\n1\n' } } });
  app.sources.register({ id: 2, name: 'dev', tables: { 'DB.S.T': { csv: 'id\n2\n' } } });
  await diff();

  for (const n of sizes) {
    for (const quoted of [false, true]) {
      let [base, head] = keyedTables(n);
      if (quoted) [base, head] = [quoteNames(base), quoteNames(head)];
      // Each text as a request's JSON body hands it to the service: one flat string. The generator's
      // ends with a concatenation, which V8 keeps as a rope of two until the text is first read, and
      // flattening that fell in the registering's time (since run 35).
      [base, head] = [JSON.parse(JSON.stringify(base)) as string, JSON.parse(JSON.stringify(head)) as string];
      const [a, b] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
      writeFileSync(a, base);
      writeFileSync(b, head);
      const size = mb(Buffer.byteLength(base) + Buffer.byteLength(head));
      const sqliteMs = median([0, 1, 2].map(() => sqliteJoinMs(a, b, KEYED_COLUMNS)));

      // Registered three times, the median taken, as for the diff (since run 47: one registering's
      // time drifted by half between runs, 99-176 ms for the quoted 100k-row pair in runs 44-46).
      // The garbage of making the tables, or of the registering before, is collected first, as it
      // is before each diff.
      const registerTimes: number[] = [];
      for (let i = 0; i < 3; i++) {
        await settle();
        const [, ms] = await time(() => {
          app.sources.register({ id: 1, name: 'prod', tables: { 'DB.S.T': { csv: base } } });
          app.sources.register({ id: 2, name: 'dev', tables: { 'DB.S.T': { csv: head } } });
        });
        registerTimes.push(ms);
      }
      const registerMs = median(registerTimes);
      const registered = `${registerMs.toFixed(0)} ms (median of 3; ${registerTimes.map((ms) => ms.toFixed(0)).join(', ')})`;
      // The server keeps neither text (see the data diff in datafold.ts).
      [base, head] = ['', ''];
      const { ms: diffMs, times, counts, worst } = await threeDiffs();
      const mbps = (ms: number) => (size / (ms / 1000)).toFixed(0);
      const against = (ms: number) => `${(sqliteMs / ms).toFixed(2)}x sqlite3, ${mbps(ms)} MB/s`;
      const label = `${n.toLocaleString()} rows x 10 cols${quoted ? ', names quoted' : ', quote-free'} (${size.toFixed(0)} MB)`;
      rows.push([
        `data diff, ${label}`,
        `create to done ${times} vs sqlite3 ${sqliteMs.toFixed(0)} ms: ${against(diffMs)}; registering the two tables first ${registered}, with it ${against(registerMs + diffMs)} ${counts}`,
      ]);
      rows.push([
        `  the server's peak rss during it (most of three)`,
        `${worst.peak.toFixed(0)} MB, ${worst.over.toFixed(0)} MB over its rss before (${(worst.over / size).toFixed(1)}x the files)`,
      ]);
      // The largest tables keyed otherwise, by text and by two columns: last, as the memory figures
      // above are each from the RSS before, which these diffs leave higher.
      if (!quoted || n !== Math.max(...sizes)) continue;
      for (const keys of [['name'], ['id', 'category']]) {
        const others = ['id', ...KEYED_COLUMNS].filter((c) => !keys.includes(c));
        const keyedSqliteMs = median([0, 1, 2].map(() => sqliteJoinMs(a, b, others, keys)));
        const keyed = await threeDiffs(keys);
        rows.push([
          `  the same, keyed by ${keys.join(' and ')}`,
          `create to done ${keyed.times} vs sqlite3 ${keyedSqliteMs.toFixed(0)} ms joining on the same: ${(keyedSqliteMs / keyed.ms).toFixed(2)}x sqlite3, ${mbps(keyed.ms)} MB/s ${keyed.counts}`,
        ]);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  await app.app.close();
  printTable(rows);
}

void main();
