import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffDatasets, type Dataset } from '../../src/engine/datadiff.js';
import type { Cell, Dtype } from '../../src/engine/frame.js';
import {
  isTableBytes,
  readTableBytes,
  tableBytes,
  tableChunks,
} from '../../src/services/compute/table-bytes.js';
import { parseTable } from '../../src/services/compute/table-json.js';
import { cellsOf, storedAs } from '../helpers/stored-table.js';

const columns: Array<{ name: string; dtype: Dtype }> = [
  { name: 'id', dtype: 'i64' },
  { name: 'name', dtype: 'str' },
  { name: 'kind', dtype: 'str' },
  { name: 'score', dtype: 'f64' },
  { name: 'flag', dtype: 'bool' },
];

/** A stored table read back as cells. */
function readBack(data: Uint8Array): Omit<Dataset, 'values'> & { values: Cell[][] } {
  const { columns, values, height } = readTableBytes(data);
  return { columns, values: values.map((c) => cellsOf(c, height)), height };
}

describe('a stored table', () => {
  it('keeps numbers, booleans, distinct text as bytes and repeated text as words, and reads them back', () => {
    const height = 2500;
    const values: Cell[][] = [
      Array.from({ length: height }, (_, i) => i),
      Array.from({ length: height }, (_, i) => (i % 7 === 3 ? null : `item-${i}`)),
      Array.from({ length: height }, (_, i) => (i % 11 === 0 ? null : ['a', 'b', 'c'][i % 3]!)),
      Array.from({ length: height }, (_, i) => (i % 5 === 0 ? null : i / 4)),
      Array.from({ length: height }, (_, i) => (i % 9 === 0 ? null : i % 2 === 0)),
    ];
    const data = tableBytes({ columns, values, height });
    expect(isTableBytes(data)).toBe(true);
    expect(storedAs(data)).toEqual(['number', 'text', 'words', 'number', 'bool']);
    expect(readBack(data)).toEqual({ columns, values, height });
  });

  it('reads back every cell as it was: text of any kind, integers past 32 bits, -0, fractions, nulls', () => {
    const text = fc.oneof(fc.constant(null), fc.constant(''), fc.string({ unit: 'grapheme' }), fc.string());
    const number = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.constantFrom(-0, 2 ** 31, -(2 ** 31), 2 ** 53, 0.1, -1e300),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    // A column of mixed kinds is kept as JSON, which writes -0 as 0.
    const mixed = fc.oneof(
      text,
      number.map((n) => (Object.is(n, -0) ? 0 : n)),
      fc.boolean(),
    );
    const row = fc.tuple(number, text, text, mixed, fc.oneof(fc.constant(null), fc.boolean()));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.boolean(), (rows, distinct) => {
        const values = columns.map((_, c) => rows.map((r) => r[c]!)) as Cell[][];
        // Distinct names, so that the column is kept as bytes.
        if (distinct) values[1] = values[1]!.map((v, i) => (v === null ? null : `${i}:${v}`));
        const back = readBack(tableBytes({ columns, values, height: rows.length }));
        expect(back.height).toBe(rows.length);
        back.values.forEach((column, c) =>
          column.forEach((v, r) => expect(Object.is(v, values[c]![r])).toBe(true)),
        );
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });

  it('keeps a column of mixed kinds, or of text with a lone surrogate, as cells (a table read from SQLite can hold one)', () => {
    const values: Cell[][] = [
      [1, 2, 3],
      ['x', 7, 'z'],
      ['a', '\ud800b', 'c'],
      [1.5, null, -0],
      [true, false, null],
    ];
    const data = tableBytes({ columns, values, height: 3 });
    expect(storedAs(data)).toEqual(['number', 'cells', 'cells', 'number', 'bool']);
    expect(readBack(data)).toEqual({ columns, values, height: 3 });
  });

  it('keeps NaN and the infinities as null, as tables stored as JSON did', () => {
    const data = tableBytes({
      columns: columns.slice(0, 1),
      values: [[1, NaN, Infinity, -Infinity]],
      height: 4,
    });
    expect(readBack(data).values).toEqual([[1, null, null, null]]);
  });

  it('keeps 32-bit integers in 4 bytes and other numbers in 8', () => {
    const bytesOf = (numbers: Cell[]) => {
      const column = readTableBytes(
        tableBytes({ columns: columns.slice(0, 1), values: [numbers], height: numbers.length }),
      ).values[0]!;
      return Array.isArray(column) || column.kind !== 'number' ? 0 : column.values.BYTES_PER_ELEMENT;
    };
    expect(bytesOf([1, -(2 ** 31), 2 ** 31 - 1, null])).toBe(4);
    expect(bytesOf([1, 2 ** 31])).toBe(8);
    expect(bytesOf([1, 0.5])).toBe(8);
    expect(bytesOf([1, -0])).toBe(8);
  });

  it('lays each section out at a multiple of 8, zeros between, and ends at one', () => {
    // Three rows: an i32 column of 12 bytes, a boolean one of 3, a text one of 16 bytes of offsets,
    // 3 of text and 3 of nulls: each section starts 8 bytes on, or 16 after the integers.
    const typed = readTableBytes(
      tableBytes({
        columns: [columns[0]!, columns[4]!, columns[1]!],
        values: [
          [1, 2, 3],
          [true, null, false],
          ['a', 'bc', null],
        ],
        height: 3,
      }),
    );
    const chunks = tableChunks(typed);
    const data = Buffer.concat(chunks);
    const headLength = data.readUInt32LE(4);
    const first = (8 + headLength + 7) & ~7;
    expect(data.length % 8).toBe(0);
    expect([...data.subarray(8 + headLength, first)].every((byte) => byte === 0)).toBe(true);
    expect([...data.subarray(first, first + 12)]).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
    expect([...data.subarray(first + 12, first + 16)]).toEqual([0, 0, 0, 0]);
    expect([...data.subarray(first + 16, first + 19)]).toEqual([1, 2, 0]);
    expect([...data.subarray(first + 40, first + 43)]).toEqual([0x61, 0x62, 0x63]);
    expect([...data.subarray(first + 48, first + 51)]).toEqual([0, 0, 1]);
    expect(data.length).toBe(first + 56);
    expect(data.equals(tableBytes(typed))).toBe(true);
    expect(readBack(data).values).toEqual([
      [1, 2, 3],
      [true, null, false],
      ['a', 'bc', null],
    ]);
  });

  it('keeps the codes of words in 1, 2 or 4 bytes, as many as their number needs', () => {
    const widthOf = (words: number) => {
      // Each word three times (a column of repeats), and a null.
      const cells: Cell[] = [null, ...Array.from({ length: 3 * words }, (_, i) => `w${Math.floor(i / 3)}`)];
      const data = tableBytes({ columns: [columns[1]!], values: [cells], height: cells.length });
      const column = readTableBytes(data).values[0]!;
      expect(cellsOf(column, cells.length)).toEqual(cells);
      return Array.isArray(column) || column.kind !== 'words' ? 0 : column.codes.BYTES_PER_ELEMENT;
    };
    expect([widthOf(255), widthOf(256), widthOf(65_535), widthOf(65_536)]).toEqual([1, 2, 2, 4]);
  });

  it('tells apart words of which one begins the other', () => {
    // 'x', 'xx', ... each three times: words that share a slot of the hash table compare alike for
    // as long as the shorter one.
    const cells: Cell[] = Array.from({ length: 900 }, (_, i) => 'x'.repeat(1 + Math.floor(i / 3)));
    const data = tableBytes({ columns: [columns[1]!], values: [cells], height: cells.length });
    expect(storedAs(data)).toEqual(['words']);
    expect(readBack(data).values).toEqual([cells]);
  });

  it('reads bytes that do not start at a multiple of 8 (copied), and an empty table', () => {
    const values: Cell[][] = [
      [1, 2],
      ['a', 'b'],
      ['x', 'x'],
      [0.5, null],
      [true, null],
    ];
    const data = tableBytes({ columns, values, height: 2 });
    const shifted = new Uint8Array(data.length + 3).subarray(3);
    shifted.set(data);
    expect(readBack(shifted)).toEqual({ columns, values, height: 2 });
    const empty: Cell[][] = columns.map(() => []);
    expect(readBack(tableBytes({ columns, values: empty, height: 0 }))).toEqual({
      columns,
      values: empty,
      height: 0,
    });
  });

  it('gives the data diff of its typed columns that the same cells give', () => {
    // Two tables with a key, a number, a text and a boolean column, each stored and diffed both ways.
    const cell = {
      key: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(null)),
      n: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0.5, 2 ** 40, -0, null)),
      // With a control character, which a key of two text columns could run together with.
      s: fc.oneof(fc.constantFrom('a', 'A', 'b', 'é', '', '\u0002', 'a\u0002'), fc.constant(null)),
      b: fc.oneof(fc.boolean(), fc.constant(null)),
    };
    const rows = fc.array(fc.tuple(cell.key, cell.n, cell.s, cell.s, cell.b), { maxLength: 40 });
    const names = ['id', 'n', 'words', 'text', 'flag'];
    const dtypes: Dtype[] = ['i64', 'f64', 'str', 'str', 'bool'];
    const dataset = (rs: Cell[][], distinctText: boolean, textKey: boolean): Dataset => {
      const values: Cell[][] = names.map((_, c) => rs.map((r) => r[c]!));
      // The text column made distinct on one side only, so that words meet bytes.
      if (distinctText) values[3] = values[3]!.map((v, i) => (v === null ? null : `${v}${i}`));
      // Keys as text (kept as bytes or as words, as they repeat), on one side or both.
      if (textKey) values[0] = values[0]!.map((v) => (v === null ? null : `k${v as number}`));
      const columns = names.map((name, c) => ({ name, dtype: c === 0 && textKey ? 'str' : dtypes[c]! }));
      return { columns, values, height: rs.length };
    };
    const keyKinds = fc.constantFrom([false, false], [true, true], [true, false]);
    const options = fc.record({
      // A key of integers or text, of fractions, or of several columns of each kind.
      pkColumns: fc.constantFrom<string[]>(
        ['id'],
        ['n'],
        ['id', 'words'],
        ['words', 'text'],
        ['words', 'flag', 'text'],
        ['flag'],
      ),
      caseInsensitiveStrings: fc.boolean(),
      tolerance: fc.option(
        fc.record({
          value: fc.constantFrom(0.5, 1),
          mode: fc.constantFrom('absolute' as const, 'relative' as const),
        }),
      ),
    });
    fc.assert(
      fc.property(
        rows,
        rows,
        fc.boolean(),
        keyKinds,
        options,
        (rowsA, rowsB, distinct, [textA, textB], opts) => {
          const [a, b] = [dataset(rowsA, distinct, textA), dataset(rowsB, false, textB)];
          const typed = (d: Dataset) => readTableBytes(tableBytes(d));
          expect(diffDatasets(typed(a), typed(b), opts)).toEqual(diffDatasets(a, b, opts));
        },
      ),
      { numRuns: 300, seed: 20261206 },
    );
  });
});

describe('a table stored as JSON before', () => {
  it('reads a text column joined, with its nulls', () => {
    const json = JSON.stringify({
      columns: columns.slice(0, 2),
      values: [[1, 2, 3, 4], { text: 'aébc', ends: [1, null, 3, 4] }],
    });
    expect(parseTable(json)).toEqual({
      columns: columns.slice(0, 2),
      values: [
        [1, 2, 3, 4],
        ['a', null, 'éb', 'c'],
      ],
      height: 4,
    });
    expect(isTableBytes(Buffer.from(json))).toBe(false);
  });
});
