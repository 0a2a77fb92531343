// The rows of each primary key of a data diff's dataset (datadiff.ts): for each distinct non-null
// key, its first row and how many rows have it. Keys of one column that are all integers go in
// arrays over their range (DenseIndex) or in a table of typed arrays (IntegerIndex), and so do the
// ids of other keys of a stored table's columns, shared by both sides (indexKeyPair, key-ids.ts);
// keys of cells go in a Map, one column's values as themselves (a Map keeps 1 apart from "1", as
// JSON does), several columns' joined as JSON, which never joins parts ambiguously (data-diff #807).
import { valueAt, type DataColumn, type NumberColumn } from './data-column.js';
import type { Dataset } from './datadiff.js';
import { sharedKeyIds, type IntegerKeys } from './key-ids.js';
import { ascending, numberSlots, slotOf, type NumberSlots } from './keyed-join.js';
import { keepShapes } from './kept-shapes.js';

export interface KeyIndex {
  /** Distinct non-null keys. */
  readonly size: number;
  /** Rows with a null in a key column. */
  readonly nulls: number;
  /** Rows whose key other rows have too. */
  readonly dupes: number;
  /** Calls `fn` with each distinct key, its first row and how many rows have it. */
  each(fn: (key: unknown, row: number, count: number) => void): void;
  /** The first row of `key`, or -1 when no row has it. */
  rowOf(key: unknown): number;
  /** The row of `key` when it is the only row with it; -1 when no row has it, -2 when several do. */
  soleRowOf(key: unknown): number;
}

/** The index of a dataset's rows keyed by its columns `pk`. */
export function indexKeys({ values, height }: Dataset, pk: number[]): KeyIndex {
  if (pk.length === 1) {
    const integers = integerKeys(values[pk[0]!]!, height);
    if (integers) return integerIndex(integers);
  }
  return new MapIndex(
    pk.map((c) => values[c]!),
    height,
  );
}

/**
 * The indexes of A's rows keyed by its columns `pkA` and of B's by `pkB`, which look up each other's
 * keys. Integer keys of one column are indexed by their values; other keys of typed columns on both
 * sides (a stored table's) by ids both sides share (key-ids.ts), as integer keys are; the rest by a
 * Map of the keys themselves.
 */
export function indexKeyPair(a: Dataset, pkA: number[], b: Dataset, pkB: number[]): [KeyIndex, KeyIndex] {
  const columns = (d: Dataset, pk: number[]) => pk.map((c) => d.values[c]!);
  if (pkA.length === 1 && pkB.length === 1) {
    const integersA = integerKeys(a.values[pkA[0]!]!, a.height);
    const integersB = integersA && integerKeys(b.values[pkB[0]!]!, b.height);
    if (integersA && integersB) return [integerIndex(integersA), integerIndex(integersB)];
  }
  const ids = sharedKeyIds(columns(a, pkA), a.height, columns(b, pkB), b.height);
  if (ids) return [integerIndex(ids[0]), integerIndex(ids[1])];
  return [indexKeys(a, pkA), indexKeys(b, pkB)];
}

function integerIndex({ keys, nulls }: IntegerKeys): KeyIndex {
  if (ascending(keys)) return new AscendingIndex(keys);
  const range = rangeOf(keys);
  // A range at most twice the rows (and some): arrays over it cost at most 16 bytes a row.
  return range && range.width <= 2 * keys.length + 1024
    ? new DenseIndex(keys, nulls, range.min, range.width)
    : new IntegerIndex(keys, nulls);
}

/** A column of `height` values as doubles (NaN for null), or null when a value is not an integer. */
export function integerKeys(column: DataColumn, height: number): IntegerKeys | null {
  if (!Array.isArray(column)) return column.kind === 'number' ? numberKeys(column, height) : null;
  const keys = new Float64Array(height);
  let nulls = 0;
  for (let i = 0; i < height; i++) {
    const value = valueAt(column, i);
    if (value === null) {
      keys[i] = NaN;
      nulls++;
    } else if (Number.isInteger(value))
      keys[i] = (value as number) + 0; // -0 is the key 0, as in a Map
    else return null;
  }
  return { keys, nulls };
}

function numberKeys({ values, nulls }: NumberColumn, height: number): IntegerKeys | null {
  const keys = Float64Array.from(values.subarray(0, height));
  let nullCount = 0;
  for (let i = 0; i < height; i++) {
    if (nulls?.[i]) {
      keys[i] = NaN;
      nullCount++;
    } else if (!Number.isInteger(keys[i])) return null;
    else keys[i] = keys[i]! + 0; // -0 is the key 0, as in a Map
  }
  return { keys, nulls: nullCount };
}

/**
 * Integer keys in the keyed join's table of typed arrays (the data diff of two 1M-row tables took
 * 1.46-1.56 s in its process so, 1.70-1.88 s with a Map of the keys, by hand), with how many rows
 * have each key. A key's slot holds its first row.
 */
export class IntegerIndex implements KeyIndex {
  private readonly table: NumberSlots;
  /** Per slot, how many rows have its key. */
  private readonly counts: Int32Array;
  readonly size: number;
  readonly dupes: number;

  constructor(
    keys: Float64Array,
    readonly nulls: number,
  ) {
    const table = numberSlots(keys);
    const { first } = table;
    const counts = new Int32Array(first.length);
    let distinct = 0;
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      if (key !== key) continue; // null
      const slot = slotOf(table, key);
      if (first[slot] === 0) {
        first[slot] = row + 1;
        distinct++;
      }
      counts[slot] = counts[slot]! + 1;
    }
    this.table = table;
    this.counts = counts;
    this.size = distinct;
    let dupes = 0;
    for (const count of counts) if (count > 1) dupes += count;
    this.dupes = dupes;
  }

  /**
   * In the order of the keys' first rows, as a Map gives them: a caller that reads the rows then
   * reads them in the order they lie in memory. In the table's order of slots, the diff of two
   * 1M-row datasets (after reading them) took 0.68-0.69 s in its process; so, 0.58-0.59 s (by hand).
   */
  each(fn: (key: unknown, row: number, count: number) => void): void {
    const { table, counts } = this;
    const { keys, first } = table;
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      if (key !== key) continue; // null
      const slot = slotOf(table, key);
      if (first[slot] === row + 1) fn(key, row, counts[slot]!);
    }
  }

  rowOf(key: unknown): number {
    if (typeof key !== 'number' || !Number.isInteger(key)) return -1;
    return this.table.first[slotOf(this.table, key)]! - 1;
  }

  soleRowOf(key: unknown): number {
    if (typeof key !== 'number' || !Number.isInteger(key)) return -1;
    const slot = slotOf(this.table, key);
    const row = this.table.first[slot]! - 1;
    return row >= 0 && this.counts[slot]! > 1 ? -2 : row;
  }
}

/**
 * Keys in ascending order, with no repeat and no null (ids in order, most often): the key of row r
 * is `keys[r]`, and a key is found by a search from where the last one was, as a data diff looks up
 * one side's keys in the other's in that order (most often the next place, or a few further). No
 * arrays over the range are made: the datadiff suite's data diff of two 1M-row tables took 226-299
 * ms create to done so, against 264-345 ms with DenseIndex (twelve diffs of each build, by hand).
 */
export class AscendingIndex implements KeyIndex {
  readonly nulls = 0;
  readonly dupes = 0;
  /** Where the last key looked up was, or would go. */
  private hint = 0;

  constructor(private readonly keys: Float64Array) {}

  get size(): number {
    return this.keys.length;
  }

  each(fn: (key: unknown, row: number, count: number) => void): void {
    const { keys } = this;
    for (let row = 0; row < keys.length; row++) fn(keys[row]!, row, 1);
  }

  rowOf(key: unknown): number {
    if (typeof key !== 'number') return -1;
    const row = this.place(key);
    return row < this.keys.length && this.keys[row] === key ? row : -1;
  }

  soleRowOf(key: unknown): number {
    return this.rowOf(key);
  }

  /**
   * The first row whose key is not below `key` (the length when none is): steps of doubling length
   * from the last place found, back or forth, then halving ones between the last two.
   */
  private place(key: number): number {
    const { keys } = this;
    // keys[low] < key (or low is -1), and keys[high] >= key (or high is the length).
    let low: number;
    let high: number;
    const from = Math.min(this.hint, keys.length);
    if (from < keys.length && keys[from]! < key) {
      low = from;
      for (let step = 1; ; step *= 2) {
        high = low + step;
        if (high >= keys.length || !(keys[high]! < key)) break;
        low = high;
      }
      high = Math.min(high, keys.length);
    } else {
      high = from;
      for (let step = 1; ; step *= 2) {
        low = high - step;
        if (low < 0 || keys[low]! < key) break;
        high = low;
      }
      low = Math.max(low, -1);
    }
    while (high - low > 1) {
      const middle = (low + high) >>> 1;
      if (keys[middle]! < key) low = middle;
      else high = middle;
    }
    this.hint = high;
    return high;
  }
}

/** The least of the keys and how many integers run from it to the greatest; null without a key. */
function rangeOf(keys: Float64Array): { min: number; width: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const key of keys) {
    if (key < min) min = key;
    if (key > max) max = key; // NaN (null) passes neither test
  }
  return min <= max ? { min, width: max - min + 1 } : null;
}

/**
 * Integer keys spread over a range not much wider than the rows (ids, most often): each key's first
 * row and count at `key - min` in arrays over the range. No hashing, and keys in order read the
 * arrays in order: the data diff of the datadiff suite's two 1M-row tables took 121-192 ms so, once
 * read, and 467-590 ms with IntegerIndex's table (six runs each, in one thread, by hand).
 */
export class DenseIndex implements KeyIndex {
  /** Per key of the range, its first row plus one (0: no row has it). */
  private readonly first: Int32Array;
  /** Per key of the range, how many rows have it. */
  private readonly counts: Int32Array;
  readonly size: number;
  readonly dupes: number;

  constructor(
    private readonly keys: Float64Array,
    readonly nulls: number,
    private readonly min: number,
    width: number,
  ) {
    const first = new Int32Array(width);
    const counts = new Int32Array(width);
    let distinct = 0;
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      if (key !== key) continue; // null
      const at = key - min;
      if (first[at] === 0) {
        first[at] = row + 1;
        distinct++;
      }
      counts[at]!++;
    }
    let dupes = 0;
    for (const count of counts) if (count > 1) dupes += count;
    [this.first, this.counts, this.size, this.dupes] = [first, counts, distinct, dupes];
  }

  each(fn: (key: unknown, row: number, count: number) => void): void {
    const { keys, first, counts, min } = this;
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      if (key === key && first[key - min] === row + 1) fn(key, row, counts[key - min]!);
    }
  }

  /** Where `key` is in the arrays, or -1 when it is not in the range. */
  private at(key: unknown): number {
    if (typeof key !== 'number' || !Number.isInteger(key)) return -1;
    const at = key - this.min;
    return at >= 0 && at < this.first.length ? at : -1;
  }

  rowOf(key: unknown): number {
    const at = this.at(key);
    return at < 0 ? -1 : this.first[at]! - 1;
  }

  soleRowOf(key: unknown): number {
    const at = this.at(key);
    if (at < 0) return -1;
    const row = this.first[at]! - 1;
    return row >= 0 && this.counts[at]! > 1 ? -2 : row;
  }
}

export class MapIndex implements KeyIndex {
  /** Per key, its first row. */
  private readonly rows = new Map<unknown, number>();
  /** Per key of several rows, how many. */
  private readonly repeats = new Map<unknown, number>();
  readonly nulls: number;
  readonly dupes: number;

  /** `keys`: the key columns' values, `height` of each. */
  constructor(keys: DataColumn[], height: number) {
    let nulls = 0;
    for (let i = 0; i < height; i++) {
      let key: unknown;
      if (keys.length === 1) key = valueAt(keys[0]!, i);
      else {
        const parts = keys.map((column) => valueAt(column, i));
        key = parts.includes(null) ? null : JSON.stringify(parts);
      }
      if (key === null) nulls++;
      else if (!this.rows.has(key)) this.rows.set(key, i);
      else this.repeats.set(key, (this.repeats.get(key) ?? 1) + 1);
    }
    this.nulls = nulls;
    let dupes = 0;
    for (const count of this.repeats.values()) dupes += count;
    this.dupes = dupes;
  }

  get size(): number {
    return this.rows.size;
  }

  each(fn: (key: unknown, row: number, count: number) => void): void {
    for (const [key, row] of this.rows) fn(key, row, this.repeats.get(key) ?? 1);
  }

  rowOf(key: unknown): number {
    return this.rows.get(key) ?? -1;
  }

  soleRowOf(key: unknown): number {
    const row = this.rows.get(key);
    return row === undefined ? -1 : this.repeats.has(key) ? -2 : row;
  }
}

// See kept-shapes.ts.
keepShapes(
  new AscendingIndex(new Float64Array(0)),
  new IntegerIndex(new Float64Array(0), 0),
  new DenseIndex(new Float64Array(0), 0, 0, 0),
  new MapIndex([], 0),
);
