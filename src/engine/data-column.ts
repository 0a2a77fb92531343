// A column of a data diff's dataset (datadiff.ts): an array of cells, or typed arrays that hold the
// same values without a JavaScript value per cell, as a stored table is read (table-bytes.ts in
// services/compute). A million cells as values cost the data diff their parsing, their memory and
// the garbage collector's copying of each; typed arrays cost none of that, and two of
// them are compared in place (countDifferences).
import type { Cell } from './frame.js';

/** Numbers; a row is null where `nulls` has a 1 (no `nulls`: none is). */
export interface NumberColumn {
  kind: 'number';
  values: Int32Array | Float64Array;
  nulls: Uint8Array | null;
}

/** Booleans: 0 false, 1 true, 2 null. */
export interface BoolColumn {
  kind: 'bool';
  values: Uint8Array;
}

/**
 * Text as UTF-8: row i is `bytes` from `offsets[i]` to `offsets[i + 1]`, or null where `nulls` has
 * a 1. For a column of mostly distinct values.
 */
export interface TextColumn {
  kind: 'text';
  bytes: Buffer;
  offsets: Uint32Array;
  nulls: Uint8Array | null;
}

/** Text as codes into `words`: code 0 is null, code k is `words[k - 1]`. For a column of repeats. */
export interface WordsColumn {
  kind: 'words';
  codes: Uint8Array | Uint16Array | Uint32Array;
  words: string[];
}

export type TypedColumn = NumberColumn | BoolColumn | TextColumn | WordsColumn;
export type DataColumn = Cell[] | TypedColumn;

/** The cell at `row`. */
export function valueAt(column: DataColumn, row: number): Cell {
  if (Array.isArray(column)) return column[row] ?? null;
  switch (column.kind) {
    case 'number':
      return column.nulls?.[row] ? null : column.values[row]!;
    case 'bool': {
      const value = column.values[row]!;
      return value === 2 ? null : value === 1;
    }
    case 'text':
      return column.nulls?.[row]
        ? null
        : column.bytes.toString('utf8', column.offsets[row], column.offsets[row + 1]);
    case 'words': {
      const code = column.codes[row]!;
      return code === 0 ? null : column.words[code - 1]!;
    }
  }
}

/** Whether two cells are the same value: numbers within a tolerance, text maybe ignoring case. */
export type CellsEqual = (a: Cell, b: Cell) => boolean;

/** The rows of A and of B paired by key: pair k is row `a[k]` of A and row `b[k]` of B, k < count. */
export interface RowPairs {
  a: Int32Array;
  b: Int32Array;
  count: number;
}

/**
 * How many pairs of rows hold different values in column `a` of A and `b` of B, as `equal` tells of
 * their cells; each such pair is marked 1 in `marks`. Numbers against numbers, text against text
 * and booleans against booleans are compared where they lie, without making the cells, a column at
 * a time in a loop of its own; other pairs are compared as cells.
 */
export function countDifferences(
  a: DataColumn,
  b: DataColumn,
  pairs: RowPairs,
  marks: Uint8Array,
  equal: CellsEqual,
  options: { tolerant: boolean; ignoreCase: boolean },
): number {
  if (!Array.isArray(a) && !Array.isArray(b)) {
    if (a.kind === 'number' && b.kind === 'number' && !options.tolerant)
      return numberDifferences(a, b, pairs, marks);
    if (a.kind === 'bool' && b.kind === 'bool') return boolDifferences(a, b, pairs, marks);
    if (a.kind === 'text' && b.kind === 'text' && !options.ignoreCase)
      return textDifferences(a, b, pairs, marks);
    if (a.kind === 'words' && b.kind === 'words' && !options.ignoreCase)
      return wordDifferences(a, b, pairs, marks);
  }
  let count = 0;
  for (let k = 0; k < pairs.count; k++)
    if (!equal(valueAt(a, pairs.a[k]!), valueAt(b, pairs.b[k]!))) {
      marks[k] = 1;
      count++;
    }
  return count;
}

// Each loop below is a function of its own, so that V8 optimizes each for its kind of column.

function numberDifferences(a: NumberColumn, b: NumberColumn, pairs: RowPairs, marks: Uint8Array): number {
  const [va, vb, na, nb] = [a.values, b.values, a.nulls, b.nulls];
  let count = 0;
  for (let k = 0; k < pairs.count; k++) {
    const i = pairs.a[k]!;
    const j = pairs.b[k]!;
    const nullA = na !== null && na[i] === 1;
    const nullB = nb !== null && nb[j] === 1;
    if (nullA || nullB ? nullA !== nullB : va[i] !== vb[j]) {
      marks[k] = 1;
      count++;
    }
  }
  return count;
}

function boolDifferences(a: BoolColumn, b: BoolColumn, pairs: RowPairs, marks: Uint8Array): number {
  const [va, vb] = [a.values, b.values];
  let count = 0;
  for (let k = 0; k < pairs.count; k++)
    if (va[pairs.a[k]!] !== vb[pairs.b[k]!]) {
      marks[k] = 1;
      count++;
    }
  return count;
}

/** Text compared by its bytes (text is equal exactly when its UTF-8 bytes are). */
function textDifferences(a: TextColumn, b: TextColumn, pairs: RowPairs, marks: Uint8Array): number {
  const [ba, bb, oa, ob, na, nb] = [a.bytes, b.bytes, a.offsets, b.offsets, a.nulls, b.nulls];
  let count = 0;
  for (let k = 0; k < pairs.count; k++) {
    const i = pairs.a[k]!;
    const j = pairs.b[k]!;
    const nullA = na !== null && na[i] === 1;
    const nullB = nb !== null && nb[j] === 1;
    let same = nullA === nullB;
    if (same && !nullA) {
      const startA = oa[i]!;
      const startB = ob[j]!;
      const length = oa[i + 1]! - startA;
      same = ob[j + 1]! - startB === length;
      for (let at = 0; same && at < length; at++) same = ba[startA + at] === bb[startB + at];
    }
    if (!same) {
      marks[k] = 1;
      count++;
    }
  }
  return count;
}

/** Words compared by code: each of A's codes to B's code of the same word (0 null, -1 where B lacks it). */
function wordDifferences(a: WordsColumn, b: WordsColumn, pairs: RowPairs, marks: Uint8Array): number {
  const codeInB = new Map(b.words.map((word, k) => [word, k + 1]));
  const toB = Int32Array.from([0, ...a.words.map((word) => codeInB.get(word) ?? -1)]);
  const [ca, cb] = [a.codes, b.codes];
  let count = 0;
  for (let k = 0; k < pairs.count; k++)
    if (toB[ca[pairs.a[k]!]!] !== cb[pairs.b[k]!]) {
      marks[k] = 1;
      count++;
    }
  return count;
}
