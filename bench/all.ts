// `npm run bench`: every benchmark script in turn, one after the other (they would disturb each other's
// timings side by side), their rows gathered into one table. Each script also runs on its own.
import { spawnSync } from 'node:child_process';

const SUITES: Array<[string, string]> = [
  ['start', 'start.ts'],
  ['oxen', 'run.ts'],
  ['datafold', 'datafold.ts'],
  ['datadiff', 'datadiff.ts'],
  ['engine', 'engine.ts'],
  ['http', 'http.ts'],
];

const rows: Array<[string, string, string]> = [];
for (const [suite, script] of SUITES) {
  const out = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', new URL(script, import.meta.url).pathname],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  if (out.status !== 0) throw new Error(`bench/${script} failed (${out.status})`);
  // The script's own table: its rows after the header and the separator.
  for (const line of out.stdout
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .slice(1)) {
    const [name, result] = line.slice(2, -2).split(' | ');
    if (name !== undefined && result !== undefined && !/^-+$/.test(name.trim()))
      rows.push([suite, name.trim(), result.trim()]);
  }
  console.error(`bench/${script} done`);
}
const width = Math.max(...rows.map(([, name]) => name.length));
console.log(
  `| suite    | ${'benchmark'.padEnd(width)} | result |\n| -------- | ${'-'.repeat(width)} | --- |`,
);
for (const [suite, name, result] of rows)
  console.log(`| ${suite.padEnd(8)} | ${name.padEnd(width)} | ${result} |`);
