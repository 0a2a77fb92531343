// Benchmarks of the Oxen compare engine and routes, in-process. Prints one table.
// Run: npm run bench  (set BENCH_ROWS to change the compare size; default 1,000,000)
import {
  benchApp,
  compareBody,
  keyedTables,
  longestStall,
  printTable,
  textCases,
  textPair,
  time,
} from './table.js';
import { diffText } from '../src/engine/text-diff.js';
import { mulberry32 } from '../scripts/tables.js';

const rows: Array<[string, string]> = [];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const { app, inject } = await benchApp();

  // Text diff: 100k lines, 1% changed.
  const rand = mulberry32(7);
  const before = Array.from({ length: 100_000 }, (_, i) => `line ${i} ${Math.floor(rand() * 1e6)}`);
  const after = before.map((l, i) => (i % 100 === 50 ? `${l} changed` : l));
  const [oldText, newText] = [before, after].map((side) => Buffer.from(side.join('\n'))) as [Buffer, Buffer];
  const [lines, textMs] = await time(() => diffText(oldText, newText));
  rows.push([
    'text diff, 100k lines, 1% changed (engine)',
    `${textMs.toFixed(0)} ms (${lines.length} hunk lines)`,
  ]);

  // Each text diff case over HTTP: its time and the longest event-loop stall while it ran.
  const texts = textCases.map(([label, lines, changed, unrelated], i) => {
    const [before, after] = textPair(lines, changed, unrelated);
    return { label, path: `t${i}.txt`, before, after };
  });
  // The first diff sent to a worker thread starts it; the same 100k-line diff again, under another
  // path (answers are cached by URL), shows the diff alone.
  const big = texts.find(({ label }) => label.startsWith('100k'))!;
  texts.push({ ...big, label: `${big.label}, again (worker thread started)`, path: 'again.txt' });
  await app.repos.createRepo({
    namespace: 'bench',
    name: 'text',
    commits: [
      { files: Object.fromEntries(texts.map((t) => [t.path, t.before])) },
      { branch: 'b', files: Object.fromEntries(texts.map((t) => [t.path, t.after])) },
    ],
  });
  for (const { label, path } of texts) {
    const [[res, ms], stall] = await longestStall(() =>
      time(() => inject('GET', `/api/repos/bench/text/compare/file/main..b/${path}`)),
    );
    if (res.statusCode !== 200) throw new Error(`text diff ${label}: ${res.statusCode}`);
    rows.push([`text diff over HTTP, ${label}`, `${ms.toFixed(0)} ms, longest event-loop stall ${stall} ms`]);
  }

  // Entries of a 10k-file repository with 1% of files changed.
  const files: Record<string, string> = {};
  for (let i = 0; i < 10_000; i++) files[`dir${i % 100}/sub${i % 7}/f${i}.txt`] = `file ${i}\n`;
  const changed: Record<string, string> = {};
  for (let i = 0; i < 10_000; i += 100)
    changed[`dir${i % 100}/sub${i % 7}/f${i}.txt`] = `file ${i} changed\n`;
  const [, loadMs] = await time(() =>
    inject('POST', '/_mock/oxen/repos', {
      namespace: 'bench',
      name: 'files',
      commits: [{ files }, { branch: 'b', files: changed }],
    }),
  );
  rows.push(['create 10k-file repo (admin API)', `${loadMs.toFixed(0)} ms`]);
  const [, entriesMs] = await time(() => inject('GET', '/api/repos/bench/files/compare/entries/main..b'));
  rows.push(['entries of a 10k-file repo, page 1', `${entriesMs.toFixed(0)} ms`]);

  // Keyed compare of N rows x 10 columns, 1% modified, 0.5% added, 0.5% removed.
  const n = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const [base, head] = keyedTables(n);
  // The same rows with every one modified, for a derived frame as long as the files.
  const [, everyRow] = keyedTables(n, { modified: 1, added: 0, removed: 0 });
  // Through the service: the admin API's 32 MB body limit is smaller than these files.
  const [, repoMs] = await time(() =>
    app.repos.createRepo({
      namespace: 'bench',
      name: 'table',
      commits: [
        { files: { 't.csv': base, 'u.csv': base } },
        { branch: 'b', files: { 't.csv': head, 'u.csv': everyRow } },
      ],
    }),
  );
  rows.push([
    `create repo with four ${n.toLocaleString()}-row CSVs (${mb(2 * base.length + head.length + everyRow.length)})`,
    `${repoMs.toFixed(0)} ms`,
  ]);
  const rssBefore = process.memoryUsage().rss;
  const [[res, compareMs], compareStall] = await longestStall(() =>
    time(() => inject('POST', '/api/repos/bench/table/compare/data_frames', compareBody('c', 't.csv'))),
  );
  const mods = JSON.parse(res.body).dfs.summary.modifications;
  rows.push([
    `keyed compare, ${n.toLocaleString()} rows x 10 cols`,
    `${compareMs.toFixed(0)} ms (${mods.added_rows}+/${mods.removed_rows}-/${mods.modified_rows}~), rss +${mb(process.memoryUsage().rss - rssBefore)}`,
  ]);
  rows.push(['longest event-loop stall during that compare', `${compareStall} ms`]);
  const height = mods.added_rows + mods.removed_rows + mods.modified_rows;
  for (const page of [1, Math.ceil(height / 100)]) {
    const runs = 50;
    const [, ms] = await time(async () => {
      for (let i = 0; i < runs; i++)
        await inject('GET', `/api/repos/bench/table/compare/data_frames/c/diff?page=${page}`);
    });
    rows.push([
      `derived frame page ${page} of ${Math.ceil(height / 100)} (mean of ${runs})`,
      `${(ms / runs).toFixed(2)} ms`,
    ]);
  }
  // A derived frame of N rows: every row modified.
  const [all, allMs] = await time(() =>
    inject('POST', '/api/repos/bench/table/compare/data_frames', compareBody('all', 'u.csv')),
  );
  const allRows = JSON.parse(all.body).dfs.summary.modifications.modified_rows as number;
  rows.push([`keyed compare, every one of ${n.toLocaleString()} rows modified`, `${allMs.toFixed(0)} ms`]);
  for (const page of [1, 10_000]) {
    const runs = 50;
    const [, ms] = await time(async () => {
      for (let i = 0; i < runs; i++)
        await inject('GET', `/api/repos/bench/table/compare/data_frames/all/diff?page=${page}&page_size=100`);
    });
    rows.push([
      `derived frame of ${allRows.toLocaleString()} rows, page ${page.toLocaleString()} (mean of ${runs})`,
      `${(ms / runs).toFixed(2)} ms`,
    ]);
  }
  const filtered =
    '/api/repos/bench/table/compare/data_frames/c/diff?filter=_oxen_diff_status%20%3D%3D%20modified&sort_by=id&reverse=true';
  const [, filterMs] = await time(() => inject('GET', filtered));
  rows.push([
    `derived frame filtered and sorted in SQL (${height.toLocaleString()} rows)`,
    `${filterMs.toFixed(0)} ms`,
  ]);
  await app.app.close();

  printTable(rows);
}

void main();
