// The full outer join of a keyed compare, on each row's key: the bytes oxen hashes (strings), or, for
// a single i64 key on both sides, the value itself in a Float64Array (NaN for null), joined through an
// open-addressing table of typed arrays: a few bytes a row where a Map of a million keys takes tens of
// megabytes and most of the compare's time. Keys in ascending order on both sides (ids, mostly) are
// merged instead, with no table (mergeJoin).

/** Every row's join key: its key bytes (null with no key columns), or its i64 key value (NaN for null). */
export type JoinKeys = Array<string | null> | Float64Array;

/**
 * Calls `pair(l, r)` for every joined pair, -1 standing for a missing side, in the order the
 * compare keeps for ties: each left row in turn with every right row of its key (in their order),
 * then each right row that no left row matched.
 */
export function outerJoin(left: JoinKeys, right: JoinKeys, pair: (l: number, r: number) => void): void {
  if (left instanceof Float64Array && right instanceof Float64Array) numberJoin(left, right, pair);
  else if (!(left instanceof Float64Array) && !(right instanceof Float64Array)) bytesJoin(left, right, pair);
  else throw new Error('both sides of a join need keys of one kind');
}

/**
 * How many rows share their key with another row (polars' `is_duplicated` marks every one). Sorts
 * number keys in place: call it when the join is done with them.
 */
export function countDuplicated(keys: JoinKeys): number {
  if (keys instanceof Float64Array) {
    // Sorted, equal keys are neighbours (NaN, our null, sorts last and equals only itself here).
    // Keys are often in order already (ids), which one pass tells.
    return duplicatedInOrder(inOrder(keys) ? keys : keys.sort());
  }
  const counts = new Map<string | null, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  let n = 0;
  for (const count of counts.values()) if (count > 1) n += count;
  return n;
}

// Each long loop below is a function of its own: V8 optimizes a loop while it runs, and code after
// it that has not run yet would throw that code away as soon as it runs (README, "Text diff").

function inOrder(keys: Float64Array): boolean {
  for (let i = 1; i < keys.length; i++)
    if (!(keys[i - 1]! < keys[i]! || same(keys[i - 1]!, keys[i]!))) return false;
  return true;
}

/** How many of the sorted keys are equal to a neighbour. */
function duplicatedInOrder(sorted: Float64Array): number {
  let n = 0;
  for (let i = 0; i < sorted.length;) {
    let end = i + 1;
    while (end < sorted.length && same(sorted[end]!, sorted[i]!)) end++;
    if (end - i > 1) n += end - i;
    i = end;
  }
  return n;
}

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

/**
 * A 32-bit hash of an integer-valued double (all i64 keys are). Runs of 16 consecutive keys keep
 * consecutive slots, so that ids in order probe one cache line per 16 rows instead of one each
 * (a miss costs more than the rest of a lookup); the runs themselves are spread by a multiplicative
 * hash, so no pattern of keys piles up in one place.
 */
function hashNumber(value: number): number {
  const low = value | 0;
  const high = (value / 4294967296) | 0;
  const h = Math.imul((low >>> 4) ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  return ((h ^ (h >>> 15)) << 4) | (low & 15);
}

/**
 * An open-addressing table over rows' number keys: `first`, over slots, holds a row of each key plus
 * one (0 is an empty slot), in a power of two of slots, at least twice the rows.
 */
export interface NumberSlots {
  keys: Float64Array;
  first: Int32Array;
  mask: number;
}

/** An empty table for `keys`' rows. */
export function numberSlots(keys: Float64Array): NumberSlots {
  let size = 2;
  while (size < keys.length * 2) size *= 2;
  return { keys, first: new Int32Array(size), mask: size - 1 };
}

/** The slot of `key`: the one holding its rows, or the empty one it would go in. */
export function slotOf({ keys, first, mask }: NumberSlots, key: number): number {
  let slot = hashNumber(key) & mask;
  for (;;) {
    const row = first[slot]! - 1;
    if (row < 0 || same(keys[row]!, key)) return slot;
    slot = (slot + 1) & mask;
  }
}

/** The right rows by key: `first` holds each key's first row, `next` each row's next row of its key. */
interface NumberTable extends NumberSlots {
  /** Per right row, the next right row of the same key (-1 for the last). */
  next: Int32Array;
}

function numberJoin(left: Float64Array, right: Float64Array, pair: (l: number, r: number) => void): void {
  const table = { ...numberSlots(right), next: new Int32Array(right.length) };
  fillTable(table);
  const matched = new Uint8Array(right.length);
  probeTable(table, left, matched, pair);
  pairUnmatched(matched, pair);
}

/** Puts every right row in: from the last, so that each key's list is in row order. */
function fillTable(table: NumberTable): void {
  const { keys, first, next } = table;
  for (let j = keys.length - 1; j >= 0; j--) {
    const slot = slotOf(table, keys[j]!);
    next[j] = first[slot]! - 1;
    first[slot] = j + 1;
  }
}

/** Pairs each left row with the right rows of its key, marking those matched. */
function probeTable(
  table: NumberTable,
  left: Float64Array,
  matched: Uint8Array,
  pair: (l: number, r: number) => void,
): void {
  const { first, next } = table;
  for (let i = 0; i < left.length; i++) {
    let j = first[slotOf(table, left[i]!)]! - 1;
    if (j < 0) pair(i, -1);
    for (; j >= 0; j = next[j]!) {
      matched[j] = 1;
      pair(i, j);
    }
  }
}

/** Whether the keys are numbers, each greater than the one before: no null (NaN), no repeat (ids in order). */
export function ascending(keys: JoinKeys): boolean {
  if (!(keys instanceof Float64Array)) return false;
  for (let row = 0; row < keys.length; row++)
    if (!(keys[row]! > (row > 0 ? keys[row - 1]! : -Infinity))) return false;
  return true;
}

/**
 * The pairs of outerJoin, in its order, for number keys that each side holds in ascending order, with
 * no repeat and no null (ids, most often): one merge of the two sides, with no table. At each pair of
 * equal keys, `same(l, r)` tells how many pairs from there on are rows the caller need not see (equal
 * rows, in a compare); those are skipped, and the merge goes on after them.
 */
export function mergeJoin(
  left: Float64Array,
  right: Float64Array,
  pair: (l: number, r: number) => void,
  same: (l: number, r: number) => number,
): void {
  // Right rows whose key no left row has: the merge passes them in order, and they come last.
  const unmatched: number[] = [];
  let j = 0;
  for (let i = 0; i < left.length;) {
    const key = left[i]!;
    while (j < right.length && right[j]! < key) unmatched.push(j++);
    if (j < right.length && right[j] === key) {
      const skipped = same(i, j);
      if (skipped > 0) {
        i += skipped;
        j += skipped;
        continue;
      }
      pair(i++, j++);
    } else pair(i++, -1);
  }
  while (j < right.length) unmatched.push(j++);
  for (const r of unmatched) pair(-1, r);
}

/** Pairs each right row that no left row matched with a missing left side. */
function pairUnmatched(matched: Uint8Array, pair: (l: number, r: number) => void): void {
  for (let j = 0; j < matched.length; j++) if (!matched[j]) pair(-1, j);
}

function bytesJoin(
  left: Array<string | null>,
  right: Array<string | null>,
  pair: (l: number, r: number) => void,
): void {
  const rows = new Map<string | null, number[]>();
  right.forEach((key, j) => {
    const list = rows.get(key);
    if (list) list.push(j);
    else rows.set(key, [j]);
  });
  const matched = new Uint8Array(right.length);
  left.forEach((key, i) => {
    const list = rows.get(key);
    if (!list) return pair(i, -1);
    for (const j of list) {
      matched[j] = 1;
      pair(i, j);
    }
  });
  pairUnmatched(matched, pair);
}
