import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueAt } from '../../src/engine/data-column.js';
import { diffDatasets, type Dataset } from '../../src/engine/datadiff.js';

const ds = (
  names: string,
  rows: Array<Array<string | number | boolean | null>>,
  types?: string,
): Dataset => ({
  columns: names.split(',').map((name, i) => ({
    name,
    dtype: (types?.split(',')[i] ?? (typeof rows[0]?.[i] === 'number' ? 'i64' : 'str')) as 'i64',
  })),
  values: names.split(',').map((_, c) => rows.map((row) => row[c] ?? null)),
  height: rows.length,
});

/** A dataset's rows, each as an array. */
const rowsOf = (d: Dataset) =>
  Array.from({ length: d.height }, (_, r) => d.values.map((column) => valueAt(column, r)));

describe('diffDatasets', () => {
  it("reproduces the reference's worked example (§5.1)", () => {
    // A: 1509 unique keys. B: the same keys plus 5 new ones, with 56 keys repeated so that 303 rows
    // carry a duplicated key. 8 columns: the key and 7 compared ones, all equal.
    const names = 'id,c1,c2,c3,c4,c5,c6,c7';
    const row = (id: number) => [id, 1, 2, 3, 4, 5, 6, 7];
    const a = ds(
      names,
      Array.from({ length: 1509 }, (_, i) => row(i)),
    );
    const bRows = Array.from({ length: 1514 }, (_, i) => row(i));
    // 56 duplicated keys: 55 appear 5 times (4 extra rows each) and one appears 28 times.
    for (let k = 0; k < 55; k++) for (let n = 0; n < 4; n++) bRows.push(row(k));
    for (let n = 0; n < 27; n++) bRows.push(row(55));
    const out = diffDatasets(a, ds(names, bRows), { pkColumns: ['id'] });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.pks).toEqual({
      total_rows: [1509, 1761],
      nulls: [0, 0],
      dupes: [0, 303],
      exclusives: [0, 5],
      distincts: [1509, 1514],
    });
    expect(out.values).toMatchObject({
      total_rows: 1453,
      compared_columns: 7,
      total_values: 10171,
      rows_with_differences: 0,
    });
    expect(out.schema.column_counts).toEqual([8, 8]);
    expect(out.result).toBe('bad-pks');
  });

  it('counts value differences per column, with tolerances and case-insensitive strings', () => {
    const a = ds(
      'id,x,s',
      [
        [1, 1.0, 'a'],
        [2, 2.0, 'B'],
        [3, 100, 'c'],
      ],
      'i64,f64,str',
    );
    const b = ds(
      'id,x,s',
      [
        [1, 1.05, 'A'],
        [2, 2.5, 'b'],
        [3, 101, 'd'],
      ],
      'i64,f64,str',
    );
    const strict = diffDatasets(a, b, { pkColumns: ['id'] });
    const loose = diffDatasets(a, b, {
      pkColumns: ['id'],
      tolerance: { value: 0.1, mode: 'absolute' },
      perColumnTolerance: {},
      caseInsensitiveStrings: true,
    });
    const relative = diffDatasets(a, b, { pkColumns: ['id'], tolerance: { value: 0.05, mode: 'relative' } });
    if (!strict.ok || !loose.ok || !relative.ok) throw new Error('diff failed');
    expect(strict.values!.columns_diff_stats).toEqual([
      { column_name: 'x', match: 0, values_different: 3 },
      { column_name: 's', match: 0, values_different: 3 },
    ]);
    expect(loose.values!.columns_diff_stats).toEqual([
      { column_name: 'x', match: 33.33, values_different: 2 },
      { column_name: 's', match: 66.67, values_different: 1 },
    ]);
    // |b - a| <= 0.05·|a|: 1→1.05 and 100→101 pass, 2→2.5 does not.
    expect(relative.values!.columns_diff_stats[0]).toEqual({
      column_name: 'x',
      match: 66.67,
      values_different: 1,
    });
    expect(loose.result).toBe('different');
    expect(loose.stats).toMatchObject({ diff_rows_count: 2, rows_added: 0, rows_removed: 0, version: '1' });
  });

  it('reports schema differences: exclusive, retyped and reordered columns, with a column mapping', () => {
    const a = ds('id,name,amount,old', [[1, 'x', 5, 'o']], 'i64,str,i64,str');
    const b = ds('id,amount,label,new', [[1, '5', 'x', 'n']], 'i64,str,str,str');
    const out = diffDatasets(a, b, { pkColumns: ['id'], columnMapping: [['name', 'label']] });
    if (!out.ok) throw new Error('diff failed');
    expect(out.schema).toEqual({
      columns_mismatched: [2, 2],
      column_type_mismatches: 1,
      column_reorders: 1,
      column_counts: [4, 4],
      column_type_differs: ['amount'],
      exclusive_columns: [['old'], ['new']],
    });
    expect(out.values!.compared_columns).toBe(1);
    expect(out.values!.columns_diff_stats).toEqual([
      { column_name: 'name', match: 100, values_different: 0 },
    ]);
    expect(out.result).toBe('different');
    expect(out.stats.diff_schema).toBe(3);
  });

  it('finds null and duplicate keys, and answers missing-pks without a key', () => {
    const a = ds('id,v', [
      [1, 1],
      [null, 2],
      [3, 3],
      [3, 4],
    ]);
    const b = ds('id,v', [
      [1, 1],
      [3, 3],
    ]);
    const out = diffDatasets(a, b, { pkColumns: ['id'] });
    if (!out.ok) throw new Error('diff failed');
    expect(out.pks).toMatchObject({ nulls: [1, 0], dupes: [2, 0], distincts: [2, 2], exclusives: [0, 0] });
    expect(out.values!.total_rows).toBe(1);
    expect(out.result).toBe('bad-pks');
    const none = diffDatasets(a, b, { pkColumns: [] });
    expect(none.ok && none.result).toBe('missing-pks');
  });

  it('scores every row of a key only one side has, repeated or not, as not matching', () => {
    // Key 2 is A's alone, on two rows; key 3 is B's alone, on three.
    const a = ds('id,v', [
      [1, 1],
      [2, 2],
      [2, 3],
    ]);
    const b = ds('id,v', [
      [1, 1],
      [3, 1],
      [3, 2],
      [3, 3],
    ]);
    const out = diffDatasets(a, b, { pkColumns: ['id'] });
    if (!out.ok) throw new Error('diff failed');
    expect(out.pks).toMatchObject({ exclusives: [1, 1], dupes: [2, 3] });
    // 14 cells in all; the 5 exclusive rows' 2 shared columns do not match: 4 of 14 cells do.
    expect(out.stats.match_ratio).toBe(Math.round((4 / 14) * 1e6) / 1e6);
  });

  it('fails on a key or included column that is not there', () => {
    const a = ds('id,v', [[1, 1]]);
    expect(diffDatasets(a, a, { pkColumns: ['ID'] })).toEqual({
      ok: false,
      error: { error_type: 'NoSuchColumnException', error_value: 'ID' },
    });
    expect(diffDatasets(a, a, { pkColumns: ['id'], includeColumns: ['w'] })).toMatchObject({ ok: false });
  });

  it('scores matches like the UI: 100×10 tables with 4 differing cells give 99.6%', () => {
    const names = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'id' : `c${i}`)).join(',');
    const rows = Array.from({ length: 100 }, (_, r) =>
      Array.from({ length: 10 }, (_, c) => (c === 0 ? r : c)),
    );
    const changed = rows.map((row, r) => (r < 4 ? row.map((v, c) => (c === 1 ? -1 : v)) : row));
    const out = diffDatasets(ds(names, rows), ds(names, changed), { pkColumns: ['id'] });
    expect(out.ok && out.stats.match_ratio).toBe(0.996);
    expect(out.ok && out.stats.diff_values).toBeCloseTo(4 / 900, 6);
  });

  it('keys rows as JSON texts of their key cells would: 1 apart from "1", nulls and repeats counted', () => {
    // The plain way: each row's key cells as JSON, a list of rows per key.
    const reference = (a: Dataset, b: Dataset, pk: number[]) => {
      const index = (d: Dataset) => {
        const rows = new Map<string, number[]>();
        let nulls = 0;
        rowsOf(d).forEach((row, i) => {
          const parts = pk.map((c) => row[c] ?? null);
          if (parts.some((p) => p === null)) return void nulls++;
          const key = JSON.stringify(parts);
          rows.set(key, [...(rows.get(key) ?? []), i]);
        });
        const dupes = [...rows.values()].reduce((n, l) => n + (l.length > 1 ? l.length : 0), 0);
        return { rows, nulls, dupes };
      };
      const [ia, ib] = [index(a), index(b)];
      const [rowsA, rowsB] = [rowsOf(a), rowsOf(b)];
      const only = (x: typeof ia, y: typeof ia) => [...x.rows.keys()].filter((k) => !y.rows.has(k)).length;
      let compared = 0;
      let differing = 0;
      for (const [key, la] of ia.rows) {
        const lb = ib.rows.get(key);
        if (la.length !== 1 || lb?.length !== 1) continue;
        compared++;
        const [rowA, rowB] = [rowsA[la[0]!]!, rowsB[lb[0]!]!];
        if ([1, 2].some((c) => !pk.includes(c) && rowA[c] !== rowB[c])) differing++;
      }
      return {
        pks: {
          total_rows: [a.height, b.height],
          nulls: [ia.nulls, ib.nulls],
          dupes: [ia.dupes, ib.dupes],
          exclusives: [only(ia, ib), only(ib, ia)],
          distincts: [ia.rows.size, ib.rows.size],
        },
        compared,
        differing,
      };
    };
    // Key cells that JSON keeps apart or together: numbers and their texts, booleans, nulls.
    const cell = fc.constantFrom<string | number | boolean | null>(1, '1', 2, '2', true, 'true', null, 0);
    const rows = fc.array(fc.tuple(cell, cell, fc.integer({ min: 0, max: 2 })), { maxLength: 12 });
    fc.assert(
      fc.property(rows, rows, fc.constantFrom<number[]>([0], [0, 1]), (ra, rb, pk) => {
        const [a, b] = [ra, rb].map((r) => ds('k,j,v', r, 'str,str,i64'));
        const out = diffDatasets(a!, b!, { pkColumns: pk.map((c) => ['k', 'j'][c]!) });
        if (!out.ok) throw new Error(out.error.error_value);
        const expected = reference(a!, b!, pk);
        expect(out.pks).toEqual(expected.pks);
        expect(out.values?.total_rows).toBe(expected.compared);
        expect(out.values?.rows_with_differences).toBe(expected.differing);
      }),
      { numRuns: 500, seed: 20261206 },
    );
  });
});
