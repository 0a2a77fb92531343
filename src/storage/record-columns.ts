// The sort fields' values of every data diff record, held in memory as one column of codes per field,
// so that a list's count is a pass over typed arrays: about a millisecond for 100,000 records, where
// SQLite reads the row of every record that one field's index matches (15-40 ms when the filter has
// alternatives or a date range on several fields). The values are SQLite's own, the generated columns
// of datafold-fields.ts as each write returns them; a filter is tested on the distinct values
// (value-dictionary.ts), by SQLite's rules. A list's page is picked here too when SQLite would read
// the row of every record that passes to sort them: the records that pass, ordered as SQLite orders
// them. A count or a page these cannot settle the same way is left to SQL.
import { keepShapes } from '../engine/kept-shapes.js';
import { SORT_FIELDS } from './datafold-fields.js';
import type { Match } from './datafold-lists.js';
import { ValueDictionary as Dictionary, type Value } from './value-dictionary.js';

/** The fields in the order of a row given to `put` (COLUMN_ROW), after the record's id. */
export const COLUMN_FIELDS = Object.keys(SORT_FIELDS);
const FIELD_INDEX = new Map(COLUMN_FIELDS.map((name, i) => [name, i]));
/** The fields a list filters by range. */
const DATE_FIELDS = COLUMN_FIELDS.flatMap((name, i) => (SORT_FIELDS[name]!.kind === 'date' ? [i] : []));
/**
 * The columns hold about 36 MB of heap per 100,000 records (bench/datafold.ts): past this many,
 * lists stay in SQL.
 */
const MAX_RECORDS = 500_000;

type Where = ReadonlyArray<{ field: string; anyOf: readonly Match[] }>;
/** A slot passes when its code in `codes` does in `pass`. */
type Test = { codes: Int32Array; pass: Uint8Array };

export class RecordColumns {
  /**
   * 'ready': the columns hold every stored record; 'building': they are being filled from the table
   * (writes meanwhile are kept too); 'unbuilt': nothing is kept, and lists are left to SQL;
   * 'too many': the same, until the table is emptied, as the records outnumber `maxRecords`.
   */
  get state(): 'unbuilt' | 'building' | 'ready' | 'too many' {
    return this.current;
  }
  private current: RecordColumns['state'] = 'unbuilt';
  /** Changes whenever the contents are dropped, so that a build started before stops. */
  private generation = 0;
  private slots = new Map<number, number>();
  /** Each slot's record id. */
  private ids = new Float64Array(0);
  private size = 0;
  private capacity = 0;
  /** Per field, each slot's code; undefined while the field is null in every record. */
  private codes: Array<Int32Array | undefined> = [];
  private dictionaries: Dictionary[] = [];
  /** Per field: it holds an integer past 2^53, which reached JavaScript rounded. */
  private rounded: boolean[] = [];

  constructor(private readonly maxRecords = MAX_RECORDS) {
    this.drop('unbuilt');
  }

  /** Forgets everything (a rolled-back write): lists go to SQL until the columns are built again. */
  reset(): void {
    this.drop('unbuilt');
  }

  /** The table is empty (all records deleted). */
  empty(): void {
    this.drop('ready');
  }

  /** Starts filling the columns from the table; returns the build's generation. */
  startBuild(): number {
    this.drop('building');
    return this.generation;
  }

  isBuilding(generation: number): boolean {
    return this.state === 'building' && this.generation === generation;
  }

  finishBuild(generation: number): void {
    if (!this.isBuilding(generation)) return;
    this.current = 'ready';
    this.afterBulkWrite();
  }

  /**
   * Once many records were written at once: sorts the dates for ranges (see
   * ValueDictionary.markRange) and makes each field's order keys (ValueDictionary.orderKeys), so
   * that neither falls in the first list to filter on a date range or to sort by that field. The
   * keys of a field of 100,000 distinct dates or numbers took 1.2-1.7 ms in such a list (by hand,
   * in bench/datafold.ts's lists).
   */
  afterBulkWrite(): void {
    for (const f of DATE_FIELDS) this.dictionaries[f]!.sort();
    for (const dictionary of this.dictionaries) dictionary.orderKeys();
  }

  /** Keeps one record's values: `row` is its id, then the value of each field of COLUMN_FIELDS. */
  put(row: readonly unknown[]): void {
    if (this.state === 'unbuilt' || this.state === 'too many') return;
    const id = row[0] as number;
    let slot = this.slots.get(id);
    if (slot === undefined) {
      if (this.size === this.maxRecords) return this.drop('too many');
      slot = this.size++;
      this.slots.set(id, slot);
      if (slot === this.capacity) this.grow();
      this.ids[slot] = id;
    }
    for (let f = 0; f < COLUMN_FIELDS.length; f++) {
      const value = row[f + 1] as Value;
      if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value))
        this.rounded[f] = true;
      const code = this.dictionaries[f]!.codeOf(value);
      const codes =
        this.codes[f] ?? (code === 0 ? undefined : (this.codes[f] = new Int32Array(this.capacity)));
      if (codes) codes[slot] = code;
      // Replaced values stay in the dictionary: it is made again once they outnumber the records.
      if (this.dictionaries[f]!.values.length > 2 * this.size + 64) this.compact(f);
    }
  }

  /** How many records pass every filter of `where`, or undefined when SQL must count them. */
  count(where: Where): number | undefined {
    const tests = this.testsOf(where);
    return tests === 'none' ? 0 : tests && countPassing(tests, this.size);
  }

  /**
   * The ids of one page of the records that pass `where`, ordered as the list's SQL orders them
   * (`orderBy` with nulls last, then id; all of it reversed when `descending`), or undefined when SQL
   * must settle it (as for count, or a sort field holding an integer past 2^53).
   */
  page(
    where: Where,
    {
      orderBy,
      descending,
      offset,
      limit,
    }: { orderBy: string; descending: boolean; offset: number; limit: number },
  ): number[] | undefined {
    const f = orderBy === 'id' ? -1 : FIELD_INDEX.get(orderBy);
    const tests = this.testsOf(where);
    if (f === undefined || tests === undefined || (f >= 0 && this.rounded[f])) return undefined;
    if (tests === 'none') return [];
    const dictionary = f >= 0 ? this.dictionaries[f] : undefined;
    const order = new SlotOrder(this.ids, f >= 0 ? this.codes[f] : undefined, dictionary, descending);
    const first = firstInOrder(slotsPassing(tests, this.size), offset + limit, order);
    return Array.from(first.subarray(offset), (slot) => this.ids[slot]!);
  }

  /**
   * The tests `where` makes of the columns: per field whose filter some values fail, which codes
   * pass. 'none' when nothing can pass; undefined when SQL must settle it: the columns are not ready,
   * or a filter cannot be tested here as SQL tests it (see markPassing), or a field holds an integer
   * past 2^53.
   */
  private testsOf(where: Where): Test[] | 'none' | undefined {
    if (this.state !== 'ready') return undefined;
    const tests: Test[] = [];
    for (const { field, anyOf } of where) {
      const f = FIELD_INDEX.get(field);
      if (f === undefined || this.rounded[f]) return undefined;
      const dictionary = this.dictionaries[f]!;
      const pass = new Uint8Array(dictionary.values.length);
      if (!anyOf.every((m) => markPassing(dictionary, m, pass))) return undefined;
      const codes = this.codes[f];
      // A field null in every record passes as null does; a test every value passes is left out.
      if (!codes) {
        if (pass[0] === 0) return 'none';
      } else if (!pass.includes(1)) return 'none';
      else if (pass.includes(0)) tests.push({ codes, pass });
    }
    return tests;
  }

  private drop(state: RecordColumns['state']): void {
    this.current = state;
    this.generation++;
    this.slots = new Map();
    this.ids = new Float64Array(0);
    this.size = 0;
    this.capacity = 0;
    this.codes = COLUMN_FIELDS.map(() => undefined);
    this.dictionaries = COLUMN_FIELDS.map(() => new Dictionary());
    this.rounded = COLUMN_FIELDS.map(() => false);
  }

  private grow(): void {
    this.capacity = Math.max(1024, this.capacity * 2);
    const ids = new Float64Array(this.capacity);
    ids.set(this.ids);
    this.ids = ids;
    this.codes = this.codes.map((old) => {
      if (!old) return undefined;
      const codes = new Int32Array(this.capacity);
      codes.set(old);
      return codes;
    });
  }

  /** Makes field f's dictionary again from the values its records hold now. */
  private compact(f: number): void {
    const old = this.dictionaries[f]!;
    const fresh = new Dictionary();
    const codes = this.codes[f];
    if (codes)
      for (let slot = 0; slot < this.size; slot++) codes[slot] = fresh.codeOf(old.values[codes[slot]!]!);
    this.dictionaries[f] = fresh;
  }
}

/**
 * Marks in `pass` the codes of the values that one alternative of a filter passes, as the WHERE
 * clause of listDatadiffs tests them; false for what is left to SQL: an element of a list field, and
 * a range whose bounds are not ASCII.
 */
function markPassing(dictionary: Dictionary, m: Match, pass: Uint8Array): boolean {
  switch (m.op) {
    case 'eq':
      dictionary.markEqual(pass, m.value);
      return true;
    case 'path':
      dictionary.markEqual(pass, m.value.toLowerCase());
      return true;
    case 'range':
      if ([m.from, m.to].some((bound) => bound !== undefined && /[\u0080-\uffff]/.test(bound))) return false;
      if (m.from === undefined && m.to === undefined) pass.fill(1);
      else dictionary.markRange(pass, m.from, m.to);
      return true;
    case 'element':
      return false;
  }
}

/** How many of the first `size` slots pass every test. */
function countPassing(tests: readonly Test[], size: number): number {
  if (tests.length === 0) return size;
  const passed = passingMask(tests, size);
  let count = 0;
  for (let slot = 0; slot < size; slot++) count += passed[slot]!;
  return count;
}

/** The slots among the first `size` that pass every test. */
function slotsPassing(tests: readonly Test[], size: number): Int32Array {
  if (tests.length === 0) return Int32Array.from({ length: size }, (_, slot) => slot);
  const passed = passingMask(tests, size);
  const slots = new Int32Array(size);
  let n = 0;
  for (let slot = 0; slot < size; slot++) if (passed[slot] === 1) slots[n++] = slot;
  return slots.subarray(0, n);
}

/**
 * The order of a list's slots: by a sort field's value, nulls last (no codes: the field is null in
 * every record), then by id; all of it reversed when descending. A class, not a closure made per
 * list: V8's optimized firstInOrder calls the closure it was compiled with, and threw its code away
 * (a deopt, "wrong call target") for each list's new one.
 */
class SlotOrder {
  /** +1 ascending, -1 descending. */
  readonly sign: number;
  /**
   * A slot's key is `sign` times keys[index[slot]], or keys[slot] without an index: a slot whose
   * key is below another's comes before it. NaN where the key is not known (see compare).
   */
  readonly keys: Float64Array;
  readonly index: Int32Array | undefined;
  private readonly values: readonly Value[];
  private readonly compareValues: (a: Value, b: Value) => number;

  constructor(
    private readonly ids: Float64Array,
    private readonly codes: Int32Array | undefined,
    dictionary: Dictionary | undefined,
    descending: boolean,
  ) {
    this.sign = descending ? -1 : 1;
    this.values = dictionary?.values ?? [];
    this.compareValues = dictionary?.ordersAsUtf8 === false ? compareNullsLastUtf8 : compareNullsLast;
    // By id (or by a field null in every record: then by id too), the ids are the keys; by a
    // field, its values' order keys (ValueDictionary.orderKeys), when it has them.
    this.index = codes;
    this.keys = !codes
      ? ids
      : (dictionary!.orderKeys() ?? new Float64Array(dictionary!.values.length).fill(NaN));
  }

  keyOf(slot: number): number {
    const index = this.index;
    return this.sign * this.keys[index === undefined ? slot : index[slot]!]!;
  }

  compare(a: number, b: number): number {
    const x = this.keyOf(a);
    const y = this.keyOf(b);
    if (x < y) return -1;
    if (x > y) return 1;
    // Keys equal (the same value, as different values have different keys) or not known.
    const codes = this.codes;
    if (codes !== undefined && codes[a] !== codes[b]) {
      const byValue = this.compareValues(this.values[codes[a]!] ?? null, this.values[codes[b]!] ?? null);
      if (byValue !== 0) return this.sign * byValue;
    }
    return this.sign * (this.ids[a]! - this.ids[b]!);
  }
}

/**
 * The first `k` of `slots` in `order`, sorted. A page needs only those: they are kept in a heap whose
 * root is the last of them, which most slots fail to beat. (The first page of 30,000 records sorted
 * by a date took 19 ms with a full sort, and 3 ms in all this way, timed by hand.)
 */
function firstInOrder(slots: Int32Array, k: number, order: SlotOrder): Int32Array {
  if (k >= slots.length / 4) return slots.sort((a, b) => order.compare(a, b)).subarray(0, k);
  const heap = new Int32Array(k);
  for (let size = 0; size < k; size++) {
    // Sift up: the heap is ordered so that a parent comes after its children.
    const slot = slots[size]!;
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (order.compare(heap[parent]!, slot) >= 0) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = slot;
  }
  const { sign, keys, index } = order;
  let rootKey = order.keyOf(heap[0]!);
  for (let s = k; s < slots.length; s++) {
    const slot = slots[s]!;
    // Most slots come after the root, and their keys tell it here, without a call.
    if (sign * keys[index === undefined ? slot : index[slot]!]! > rootKey) continue;
    if (order.compare(slot, heap[0]!) >= 0) continue;
    // Sift down from the root, which `slot` replaces.
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= k) break;
      if (child + 1 < k && order.compare(heap[child + 1]!, heap[child]!) > 0) child++;
      if (order.compare(heap[child]!, slot) <= 0) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = slot;
    rootKey = order.keyOf(heap[0]!);
  }
  return heap.sort((a, b) => order.compare(a, b));
}

/** 1 for each of the first `size` slots that passes every test (there is one at least), else 0. */
function passingMask(tests: readonly Test[], size: number): Uint8Array {
  // A test at a time over every slot, each loop over typed arrays alone.
  const passed = new Uint8Array(size);
  const [first, ...rest] = tests;
  for (let slot = 0; slot < size; slot++) passed[slot] = first!.pass[first!.codes[slot]!]!;
  for (const { codes, pass } of rest)
    for (let slot = 0; slot < size; slot++) if (passed[slot] === 1) passed[slot] = pass[codes[slot]!]!;
  return passed;
}

/**
 * SQLite's ORDER BY of two values of a generated column, with nulls last: numbers by value before
 * strings (the columns have no affinity), strings by their UTF-8 bytes (the BINARY collation), which
 * JavaScript's comparison gives while no string holds a unit from U+D800 up.
 */
function compareNullsLast(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** compareNullsLast for any strings. */
function compareNullsLastUtf8(a: Value, b: Value): number {
  return typeof a === 'string' && typeof b === 'string' && a !== b
    ? compareUtf8(a, b)
    : compareNullsLast(a, b);
}

/**
 * Two different strings in the order of their UTF-8 bytes, which is that of their code points.
 * UTF-16 units order the same, but for a surrogate (U+D800-U+DFFF, half of a code point past
 * U+FFFF) against a unit from U+E000 up: moved above those, surrogates order as their code points.
 */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number): number =>
  unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800;

// See kept-shapes.ts: a list's SlotOrder dies with its request, and a full collection once none
// was left threw away the page code compiled for it (firstInOrder, compare, keyOf).
keepShapes(new SlotOrder(new Float64Array(0), undefined, undefined, false));
