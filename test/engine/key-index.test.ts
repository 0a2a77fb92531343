import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/engine/frame.js';
import {
  AscendingIndex,
  DenseIndex,
  IntegerIndex,
  indexKeyPair,
  indexKeys,
  integerKeys,
  MapIndex,
  type KeyIndex,
} from '../../src/engine/key-index.js';
import type { TextColumn, WordsColumn } from '../../src/engine/data-column.js';
import { numberColumn, textColumn, wordsColumn } from '../helpers/columns.js';

// A data diff indexes integer keys in a table of typed arrays: it must tell what a Map of the
// same keys tells, for every key looked up, an integer or not.
const RUNS = Number(process.env.FUZZ_RUNS ?? 25) * 12;

const entries = (index: KeyIndex) => {
  const out: Array<[unknown, number, number]> = [];
  index.each((key, row, count) => out.push([key, row, count]));
  return out.sort((a, b) => a[1] - b[1]);
};

describe('the integer key index', () => {
  it('tells what a Map of the same keys tells', () => {
    // Few values, so that keys repeat; -0 with 0; integers past 2^32 and 2^53; nulls.
    const key = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(-0, 2 ** 32 + 1, -(2 ** 40), 2 ** 53, Number.MAX_SAFE_INTEGER, null),
    );
    const probe = fc.oneof(key, fc.constantFrom<unknown>(0.5, '1', NaN, Infinity, true, undefined));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), fc.array(probe, { maxLength: 10 }), (keys, probes) => {
        const column: Cell[] = keys;
        const integers = integerKeys(column, column.length);
        if (!integers) throw new Error('integer keys refused');
        const table = new IntegerIndex(integers.keys, integers.nulls);
        const map = new MapIndex([column], column.length);
        expect([table.size, table.nulls, table.dupes]).toEqual([map.size, map.nulls, map.dupes]);
        expect(entries(table)).toEqual(entries(map));
        for (const p of [...probes, ...keys])
          expect([table.rowOf(p), table.soleRowOf(p)]).toEqual([map.rowOf(p), map.soleRowOf(p)]);
      }),
      { numRuns: RUNS, seed: 20261206 },
    );
  });

  it('over a range of keys not much wider than the rows tells what a Map tells, and is used for them', () => {
    const key = fc.oneof(fc.integer({ min: -5, max: 12 }), fc.constantFrom(-0, null));
    const probe = fc.oneof(key, fc.constantFrom<unknown>(-6, 13, 0.5, '1', NaN, Infinity, true, undefined));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), fc.array(probe, { maxLength: 10 }), (keys, probes) => {
        const column: Cell[] = keys;
        const present = keys.filter((k) => k !== null);
        const map = new MapIndex([column], column.length);
        // The index a data diff makes of the column, as cells and as a stored table's numbers.
        const numbers = numberColumn(keys);
        const indexes = [column, numbers].map((values) =>
          indexKeys({ columns: [{ name: 'id', dtype: 'i64' }], values: [values], height: keys.length }, [0]),
        );
        // Keys in ascending order (no null, no repeat) need no arrays over their range.
        const inOrder = keys.every((k, i) => k !== null && (i === 0 || k > keys[i - 1]!));
        for (const index of indexes) {
          expect(index).toBeInstanceOf(
            inOrder ? AscendingIndex : present.length > 0 ? DenseIndex : IntegerIndex,
          );
          expect([index.size, index.nulls, index.dupes]).toEqual([map.size, map.nulls, map.dupes]);
          expect(entries(index)).toEqual(entries(map));
          for (const p of [...probes, ...keys])
            expect([index.rowOf(p), index.soleRowOf(p)]).toEqual([map.rowOf(p), map.soleRowOf(p)]);
        }
      }),
      { numRuns: RUNS, seed: 20261206 },
    );
    // Keys far apart, out of order, take the hash table.
    const wide = [1e9, 1];
    expect(
      indexKeys({ columns: [{ name: 'id', dtype: 'i64' }], values: [wide], height: 2 }, [0]),
    ).toBeInstanceOf(IntegerIndex);
  });

  it('of keys in ascending order tells what a Map tells, whatever the order they are looked up in', () => {
    const keys = fc
      .uniqueArray(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constantFrom(2 ** 40, -(2 ** 53))), {
        maxLength: 40,
      })
      .map((k) => k.sort((a, b) => a - b));
    const probe = fc.oneof(
      fc.integer({ min: -60, max: 60 }),
      fc.constantFrom<unknown>(-0, 2 ** 40, 0.5, '1', NaN, Infinity, -Infinity, null, undefined),
    );
    fc.assert(
      fc.property(keys, fc.array(probe, { maxLength: 20 }), fc.boolean(), (sorted, probes, inOrder) => {
        const column: Cell[] = sorted;
        const integers = integerKeys(column, column.length)!;
        const index = indexKeys(
          { columns: [{ name: 'id', dtype: 'i64' }], values: [column], height: column.length },
          [0],
        );
        expect(index).toBeInstanceOf(AscendingIndex);
        const map = new MapIndex([column], column.length);
        expect([index.size, index.nulls, index.dupes]).toEqual([map.size, map.nulls, map.dupes]);
        expect(entries(index)).toEqual(entries(map));
        // As a data diff looks keys up (in ascending order), or in any order.
        const looked = [...probes, ...sorted];
        if (inOrder) looked.sort((a, b) => Number(a) - Number(b));
        for (const p of looked)
          expect([index.rowOf(p), index.soleRowOf(p)]).toEqual([map.rowOf(p), map.soleRowOf(p)]);
        expect(integers.nulls).toBe(0);
      }),
      { numRuns: RUNS, seed: 20261206 },
    );
  });

  it('indexes text keys of both sides by ids they share, telling what a Map of the texts tells', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b', 'ab', 'é', '', null), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 30 }),
        fc.array(key, { maxLength: 30 }),
        fc.boolean(),
        (a, b, words) => {
          const dataset = (column: TextColumn | WordsColumn, height: number) => ({
            columns: [{ name: 'id', dtype: 'str' as const }],
            values: [column],
            height,
          });
          const [ia, ib] = indexKeyPair(
            dataset(textColumn(a), a.length),
            [0],
            dataset(words ? wordsColumn(b) : textColumn(b), b.length),
            [0],
          );
          const [ma, mb] = [new MapIndex([a], a.length), new MapIndex([b], b.length)];
          for (const [index, map, keys] of [
            [ia, ma, a],
            [ib, mb, b],
          ] as const) {
            if (keys.some((k) => k !== null))
              expect([DenseIndex, AscendingIndex]).toContain(index.constructor);
            expect([index.size, index.nulls, index.dupes]).toEqual([map.size, map.nulls, map.dupes]);
            expect(entries(index).map(([, row, count]) => [row, count])).toEqual(
              entries(map).map(([, row, count]) => [row, count]),
            );
          }
          // A's keys looked up in B, as the data diff does, and B's in A.
          ia.each((id, row: number) => expect(ib.soleRowOf(id)).toBe(mb.soleRowOf(a[row])));
          ib.each((id, row: number) => expect(ia.rowOf(id)).toBe(ma.rowOf(b[row])));
        },
      ),
      { numRuns: RUNS, seed: 20261206 },
    );
  });

  it('is not used for keys that are not all integers', () => {
    expect(integerKeys([1, 1.5], 2)).toBeNull();
    expect(integerKeys([1, '2'], 2)).toBeNull();
    expect(integerKeys([1, null], 2)?.nulls).toBe(1);
  });
});
