// A column of a data diff's dataset (datadiff.ts): an array of cells, or typed arrays that hold the
// same values without a JavaScript value per cell, as a stored table is read (table-bytes.ts in
// services/compute). A million cells as values cost the data diff's process their parsing, their
// memory and the garbage collector's copying of each; typed arrays cost none of that, and two of
// them are compared in place (sameValues).
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

/** The column's `height` cells as an array. */
export function cellsOf(column: DataColumn, height: number): Cell[] {
  if (Array.isArray(column)) return column;
  return Array.from({ length: height }, (_, row) => valueAt(column, row));
}

/** Whether two cells are the same value: numbers within a tolerance, text maybe ignoring case. */
export type CellsEqual = (a: Cell, b: Cell) => boolean;

/**
 * Whether row `i` of `a` holds the same value as row `j` of `b`, as `equal` tells of their cells:
 * numbers against numbers, text against text and booleans against booleans are compared where they
 * lie, without making the cells; other pairs are compared as cells.
 */
export function sameValues(
  a: DataColumn,
  b: DataColumn,
  equal: CellsEqual,
  options: { tolerant: boolean; ignoreCase: boolean },
): (i: number, j: number) => boolean {
  const generic = (i: number, j: number) => equal(valueAt(a, i), valueAt(b, j));
  if (Array.isArray(a) || Array.isArray(b)) return generic;
  if (a.kind === 'number' && b.kind === 'number') {
    const [va, vb, na, nb] = [a.values, b.values, a.nulls, b.nulls];
    if (options.tolerant) return generic;
    return (i, j) => {
      const nullA = na !== null && na[i] === 1;
      const nullB = nb !== null && nb[j] === 1;
      return nullA || nullB ? nullA === nullB : va[i] === vb[j];
    };
  }
  if (a.kind === 'bool' && b.kind === 'bool') {
    const [va, vb] = [a.values, b.values];
    return (i, j) => va[i] === vb[j];
  }
  if (options.ignoreCase) return generic;
  if (a.kind === 'text' && b.kind === 'text') return sameText(a, b);
  if (a.kind === 'words' && b.kind === 'words') {
    // Each of A's codes to B's code of the same word (0 for null; -1 where B lacks the word).
    const codeInB = new Map(b.words.map((word, k) => [word, k + 1]));
    const toB = Int32Array.from([0, ...a.words.map((word) => codeInB.get(word) ?? -1)]);
    const [ca, cb] = [a.codes, b.codes];
    return (i, j) => toB[ca[i]!] === cb[j];
  }
  return generic;
}

/** Two text columns compared by their bytes (text is equal exactly when its UTF-8 bytes are). */
function sameText(a: TextColumn, b: TextColumn): (i: number, j: number) => boolean {
  const [ba, bb, oa, ob, na, nb] = [a.bytes, b.bytes, a.offsets, b.offsets, a.nulls, b.nulls];
  return (i, j) => {
    const nullA = na !== null && na[i] === 1;
    const nullB = nb !== null && nb[j] === 1;
    if (nullA || nullB) return nullA === nullB;
    const startA = oa[i]!;
    const startB = ob[j]!;
    const length = oa[i + 1]! - startA;
    if (ob[j + 1]! - startB !== length) return false;
    for (let k = 0; k < length; k++) if (ba[startA + k] !== bb[startB + k]) return false;
    return true;
  };
}
