import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/engine/csv.js';
import { hashRow, type Cell, type Frame } from '../../src/engine/frame.js';
import { CsvSide } from '../../src/engine/keyed-csv.js';
import { frameSide } from '../../src/engine/keyed-diff.js';
import { diffTables } from '../../src/engine/tabular-diff.js';
import { LastRows } from '../../src/engine/last-rows.js';
import { collidingLines } from '../helpers/collisions.js';

// The tabular diff reads a CSV as the keyed compare does (lazily, rows matched by the bytes oxen
// hashes): it must answer what it answers over whole frames, and match rows as xxh3 of their cells
// over the common columns does.
const RUNS = Number(process.env.FUZZ_RUNS ?? 25) * 12;
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

// Values equal as cells but not as text ("1", "01", "1.0"), texts whose concatenations coincide
// ("a" + "bc" and "ab" + "c"), quoted ones, nulls; few of them, so that rows repeat and match.
const value = fc.constantFrom('1', '01', '1.0', '-0', '0', 'a', 'ab', 'bc', 'c', '"a,b"', '', 'true');
const csv = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom('id', 'a', 'b', 'c'), { minLength: 1, maxLength: 4 }),
    fc.integer({ min: 0, max: 12 }),
  )
  .chain(([names, rows]) =>
    fc
      .array(fc.array(value, { minLength: names.length, maxLength: names.length }), {
        minLength: rows,
        maxLength: rows,
      })
      .map((cells) => [names.join(','), ...cells.map((r) => r.join(','))].join('\n') + '\n'),
  );

const frameOf = (text: string): Frame => {
  const read = readCsv(text);
  if (!read.ok) throw new Error(read.error);
  return read.frame;
};

/** The rows of `own` whose xxh3 over `names` `other` lacks, the last of a repeated hash: the reference. */
function missing(own: Frame, other: Frame, names: string[]): number[] {
  const pick = (f: Frame) => names.map((n) => f.columns.find((c) => c.name === n)!);
  const theirs = new Set(Array.from({ length: other.height }, (_, i) => hashRow(pick(other), i)));
  const last = new Map<string | null, number>();
  for (let i = 0; i < own.height; i++) last.set(hashRow(pick(own), i), i);
  return [...last].flatMap(([hash, i]) => (theirs.has(hash) ? [] : [i])).sort((a, b) => a - b);
}

const row = (f: Frame, i: number): Record<string, Cell> =>
  Object.fromEntries(f.columns.map((c) => [c.name, c.values[i] ?? null]));

describe('the tabular diff', () => {
  it('answers over lazy CSV sides what it answers over frames, matching rows as xxh3 does', () => {
    fc.assert(
      fc.property(
        csv,
        csv,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        (l, r, page, size) => {
          const paging = { page, pageSize: size };
          const [lf, rf] = [frameOf(l), frameOf(r)];
          const sides = [CsvSide.read(Buffer.from(l)), CsvSide.read(Buffer.from(r))];
          if (!sides[0]!.ok || !sides[1]!.ok) throw new Error('the CSV side refused a readable CSV');
          const lazy = diffTables(sides[0]!.side, sides[1]!.side, paging);
          expect(lazy).toEqual(diffTables(frameSide(lf), frameSide(rf), paging));
          // Against xxh3 of the common columns' cells, in the head's order.
          const common = rf.columns.map((c) => c.name).filter((n) => lf.columns.some((c) => c.name === n));
          const added = missing(rf, lf, common);
          expect(lazy.summary.num_added_rows).toBe(added.length);
          expect(lazy.summary.num_removed_rows).toBe(missing(lf, rf, common).length);
          const shown = added.slice((page - 1) * size, page * size).map((i) => row(rf, i));
          expect(lazy.added_rows_view?.data ?? []).toEqual(shown);
          // A side alone: every row of it, whatever its count.
          const fresh = CsvSide.read(Buffer.from(r));
          const alone = diffTables(null, fresh.ok ? fresh.side : null, paging);
          expect(alone.summary.num_added_rows).toBe(rf.height);
          expect(alone).toEqual(diffTables(null, frameSide(rf), paging));
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('matches rows made to collide under its hash, through a Map past a few probes a row', () => {
    // 64 distinct one-column rows with one FNV-1a hash: every probe of the table meets another.
    const lines = collidingLines(6);
    expect(new LastRows(lines).how).toBe('map');
    expect(new LastRows([...collidingLines(2), ...collidingLines(2)]).how).toBe('table');
    const base = ['name', ...lines].join('\n');
    const head = ['name', ...lines.slice(0, 40).reverse(), 'new', lines[0]].join('\n');
    const sides = [CsvSide.read(Buffer.from(base)), CsvSide.read(Buffer.from(head))];
    if (!sides[0]!.ok || !sides[1]!.ok) throw new Error('unreadable');
    const result = diffTables(sides[0]!.side, sides[1]!.side, { page: 1, pageSize: 100 });
    const [bf, hf] = [frameOf(base), frameOf(head)];
    expect(result.summary.num_added_rows).toBe(missing(hf, bf, ['name']).length);
    expect(result.summary.num_removed_rows).toBe(missing(bf, hf, ['name']).length);
    expect(result.removed_rows_view?.data).toEqual(missing(bf, hf, ['name']).map((i) => row(bf, i)));
    // A few colliding rows stay in the table, which tells them apart by their bytes.
    const four = collidingLines(2);
    const few = [four.join('\n'), four.slice(0, 2).join('\n')].map((t) =>
      CsvSide.read(Buffer.from(`name\n${t}`)),
    );
    if (!few[0]!.ok || !few[1]!.ok) throw new Error('unreadable');
    const some = diffTables(few[0]!.side, few[1]!.side, { page: 1, pageSize: 100 });
    expect(some.removed_rows_view?.data).toEqual([{ name: four[2] }, { name: four[3] }]);
  });
});
