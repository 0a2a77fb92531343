// Writes the generated fixture files: ox/large-table's 100,000-row CSVs (too large to commit) and the
// Datafold data sources and records (see datafold-fixtures.ts).
// Run by `npm ci` (the prepare script); rerunning only rewrites missing files.
import { existsSync, writeFileSync } from 'node:fs';
import { generateDatafoldFixtures } from './datafold-fixtures.js';
import { generateTables } from './tables.js';

const folder = new URL('../data/oxen/ox/large-table/', import.meta.url);
const v1 = new URL('rows-v1.csv', folder);
const v2 = new URL('rows-v2.csv', folder);
if (!existsSync(v1) || !existsSync(v2)) {
  const [base, changed] = generateTables({
    rows: 100_000,
    seed: 42,
    modified: 0.01,
    added: 0.005,
    removed: 0.005,
  });
  writeFileSync(v1, base);
  writeFileSync(v2, changed);
  console.log(`generated ${v1.pathname} and rows-v2.csv`);
}

generateDatafoldFixtures(process.argv.includes('--force'));
