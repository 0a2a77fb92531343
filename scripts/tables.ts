// Seeded generator of keyed CSV tables for fixtures and benchmarks: a base table and a changed copy
// with a given share of rows modified, added and removed. Same seed, same bytes.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

export interface TableSpec {
  rows: number;
  /** Extra numeric columns beyond id,name,category,value,score,flag. */
  extraColumns?: number;
  seed: number;
  modified: number;
  added: number;
  removed: number;
}

function row(id: number, rand: () => number, extra: number): string[] {
  const cells = [
    String(id),
    `item-${id.toString(36)}`,
    CATEGORIES[Math.floor(rand() * CATEGORIES.length)]!,
    String(Math.floor(rand() * 100000)),
    (Math.floor(rand() * 10000) / 100).toFixed(2),
    rand() < 0.5 ? 'true' : 'false',
  ];
  for (let i = 0; i < extra; i++) cells.push(String(Math.floor(rand() * 1000)));
  return cells;
}

/** Returns [base, changed] CSV texts. */
export function generateTables(spec: TableSpec): [string, string] {
  const rand = mulberry32(spec.seed);
  const extra = spec.extraColumns ?? 0;
  const header = [
    'id',
    'name',
    'category',
    'value',
    'score',
    'flag',
    ...Array.from({ length: extra }, (_, i) => `x${i + 1}`),
  ].join(',');
  const base: string[] = [header];
  const changed: string[] = [header];
  for (let id = 1; id <= spec.rows; id++) {
    const cells = row(id, rand, extra);
    base.push(cells.join(','));
    const r = rand();
    if (r < spec.removed) continue;
    if (r < spec.removed + spec.modified) cells[4] = (Number(cells[4]) + 1).toFixed(2);
    changed.push(cells.join(','));
  }
  const addedRows = Math.round(spec.rows * spec.added);
  for (let i = 1; i <= addedRows; i++) changed.push(row(spec.rows + i, rand, extra).join(','));
  return [base.join('\n') + '\n', changed.join('\n') + '\n'];
}
