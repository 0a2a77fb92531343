import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell, Dtype } from '../../src/engine/frame.js';
import { parseTable, tableJson } from '../../src/services/compute/table-json.js';
import { storedAs } from '../helpers/stored-table.js';

const columns: Array<{ name: string; dtype: Dtype }> = [
  { name: 'id', dtype: 'i64' },
  { name: 'name', dtype: 'str' },
  { name: 'kind', dtype: 'str' },
  { name: 'score', dtype: 'f64' },
  { name: 'flag', dtype: 'bool' },
];

describe('a stored table', () => {
  it('keeps a text column of distinct values joined and one of few values as an array', () => {
    const height = 2500;
    const values: Cell[][] = [
      Array.from({ length: height }, (_, i) => i),
      Array.from({ length: height }, (_, i) => (i % 7 === 3 ? null : `item-${i}`)),
      Array.from({ length: height }, (_, i) => ['a', 'b', 'c'][i % 3]!),
      Array.from({ length: height }, (_, i) => (i % 5 === 0 ? null : i / 4)),
      Array.from({ length: height }, (_, i) => i % 2 === 0),
    ];
    const json = tableJson(columns, values);
    expect(storedAs(json)).toEqual(['array', 'joined', 'array', 'array', 'array']);
    expect(parseTable(json)).toEqual({ columns, values, height });
  });

  it('reads back every text as it was: empty, non-ASCII, surrogate pairs, nulls first and last', () => {
    const text = fc.oneof(fc.constant(null), fc.constant(''), fc.string({ unit: 'grapheme' }), fc.string());
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), (cells) => {
        const names = cells.map((c, i) => (c === null ? null : `${i}:${c}`));
        const values: Cell[][] = [
          cells.map((_, i) => i),
          names,
          cells,
          cells.map(() => 0.5),
          cells.map(() => null),
        ];
        const json = tableJson(columns, values);
        expect(storedAs(json)[1]).toBe(names.some((n) => n !== null) ? 'joined' : 'array');
        expect(parseTable(json)).toEqual({ columns, values, height: cells.length });
      }),
    );
  });

  it('keeps a text column holding a value that is not text as an array (a table read from SQLite can)', () => {
    const values: Cell[][] = [
      [1, 2, 3],
      ['x', 7, 'z'],
      ['a', 'b', 'c'],
      [1, 2, 3],
      [true, false, null],
    ];
    const json = tableJson(columns, values);
    expect(storedAs(json)[1]).toBe('array');
    expect(parseTable(json)).toEqual({ columns, values, height: 3 });
  });

  it('reads an empty table', () => {
    const values: Cell[][] = columns.map(() => []);
    expect(parseTable(tableJson(columns, values))).toEqual({ columns, values, height: 0 });
  });
});
