// The distinct values of one field of the in-memory record columns (record-columns.ts), each under a
// code, and the codes a filter passes, by SQLite's rules for comparing the values: the generated
// columns have no type affinity, so a number equals only a number and a string only the same string,
// and every number sorts before every string.

export type Value = string | number | null;

/** Past this many values not yet sorted (and a quarter of those sorted), a range sorts them all. */
const UNSORTED_MAX = 1024;
/**
 * Up to this many values, orderKeys sorts them as a range would (7 ms for 16,384 strings); past it,
 * it leaves that to ranges and bulk writes (afterBulkWrite in record-columns.ts): 100,000 strings took
 * 51-59 ms, which would hold the event loop in a list's request (by hand).
 */
const SORT_FOR_KEYS_MAX = 16_384;

export class ValueDictionary {
  /** code → value; code 0 is null. */
  readonly values: Value[] = [null];
  private readonly codes = new Map<Value, number>([[null, 0]]);
  /**
   * For ranges: the string values among the codes below `sortedUpTo`, in JavaScript's order, with
   * their codes, and the codes of the numbers among them. A range finds its strings there by binary
   * search and tests the codes from `sortedUpTo` on one by one.
   */
  private sorted: string[] = [];
  private sortedCodes = new Int32Array(0);
  private sortedNumbers: number[] = [];
  private sortedUpTo = 1;

  /**
   * No string value holds a UTF-16 unit from U+D800 up, so JavaScript's comparison orders them as
   * SQLite does (by UTF-8 bytes, that is by code points).
   */
  get ordersAsUtf8(): boolean {
    return this.belowSurrogates;
  }
  private belowSurrogates = true;
  private holds = { numbers: false, strings: false };
  /** orderKeys() as last made, for the codes below its length and the strings sorted then. */
  private keys = new Float64Array(0);
  private keysSortedUpTo = 1;

  codeOf(value: Value): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.push(value) - 1;
      this.codes.set(value, code);
      if (typeof value === 'number') this.holds.numbers = true;
      else if (typeof value === 'string') {
        this.holds.strings = true;
        if (this.belowSurrogates && /[\ud800-\uffff]/.test(value)) this.belowSurrogates = false;
      }
    }
    return code;
  }

  /**
   * Per code, a double that orders as SQLite orders the values, null (code 0) last as +Infinity: a
   * number itself (JSON holds no infinite ones), a string its place among the sorted strings, or NaN
   * for a string added since they were sorted (a few values, or a long tail of them, are sorted
   * first, up to SORT_FOR_KEYS_MAX values). Undefined when the field holds both numbers and
   * strings, or strings JavaScript orders unlike SQLite. A list's sort tells most records apart by
   * these alone (record-columns.ts), in a loop over typed arrays.
   */
  orderKeys(): Float64Array | undefined {
    if ((this.holds.numbers && this.holds.strings) || !this.belowSurrogates) return undefined;
    const n = this.values.length;
    if (this.holds.strings && n <= SORT_FOR_KEYS_MAX && this.stale(n <= UNSORTED_MAX ? 0 : UNSORTED_MAX))
      this.sort();
    const strings = this.holds.strings;
    // The keys made before hold, but for strings sorted again since.
    const kept = strings && this.keysSortedUpTo !== this.sortedUpTo ? 0 : this.keys.length;
    if (kept === n) return this.keys;
    const keys = new Float64Array(n);
    keys.set(this.keys.subarray(0, kept));
    if (!strings)
      for (let code = Math.max(kept, 1); code < n; code++) keys[code] = this.values[code] as number;
    else {
      keys.fill(NaN, Math.max(kept, 1));
      if (kept === 0) for (let i = 0; i < this.sortedCodes.length; i++) keys[this.sortedCodes[i]!] = i;
    }
    keys[0] = Infinity;
    this.keys = keys;
    this.keysSortedUpTo = this.sortedUpTo;
    return keys;
  }

  /** Whether more than `most` values, and a quarter of those sorted, were added since the sort. */
  private stale(most: number): boolean {
    const unsorted = this.values.length - this.sortedUpTo;
    return unsorted > most && unsorted > this.sortedUpTo / 4;
  }

  /** Marks the code of a value equal to `value` (a Map's keys compare as SQLite does here). */
  markEqual(pass: Uint8Array, value: Value): void {
    const code = this.codes.get(value);
    if (code !== undefined) pass[code] = 1;
  }

  /**
   * Marks the codes of the values from `from` (inclusive) to `to` (exclusive). Both bounds are ASCII:
   * JavaScript orders strings by UTF-16 units and SQLite by UTF-8 bytes, and against an ASCII string
   * the two orders agree. Null is in no range; a number is in every range without a lower bound.
   */
  markRange(pass: Uint8Array, from: string | undefined, to: string | undefined): void {
    if (this.stale(UNSORTED_MAX)) this.sort();
    const lo = from === undefined ? 0 : lowerBound(this.sorted, from);
    const hi = to === undefined ? this.sorted.length : lowerBound(this.sorted, to);
    for (let i = lo; i < hi; i++) pass[this.sortedCodes[i]!] = 1;
    if (from === undefined) for (const code of this.sortedNumbers) pass[code] = 1;
    for (let code = this.sortedUpTo; code < this.values.length; code++) {
      const value = this.values[code]!;
      const inRange =
        typeof value === 'number'
          ? from === undefined
          : value !== null && (from === undefined || value >= from) && (to === undefined || value < to);
      if (inRange) pass[code] = 1;
    }
  }

  /** Sorts every value for ranges (a bulk write calls it, so that the first range need not). */
  sort(): void {
    const strings: number[] = [];
    this.sortedNumbers = [];
    for (let code = 1; code < this.values.length; code++) {
      const value = this.values[code];
      if (typeof value === 'string') strings.push(code);
      else if (typeof value === 'number') this.sortedNumbers.push(code);
    }
    // The strings are distinct, so no two compare equal.
    const values = this.values as string[];
    strings.sort((a, b) => (values[a]! < values[b]! ? -1 : 1));
    this.sortedCodes = Int32Array.from(strings);
    this.sorted = strings.map((code) => values[code]!);
    this.sortedUpTo = this.values.length;
  }
}

/** The first index of `sorted` whose string is not below `bound`. */
function lowerBound(sorted: readonly string[], bound: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
