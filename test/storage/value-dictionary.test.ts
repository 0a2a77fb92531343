import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueDictionary, type Value } from '../../src/storage/value-dictionary.js';

// SQLite's rules, written another way: strings compared as UTF-8 bytes, numbers before strings.
const inRange = (value: Value, from: string | undefined, to: string | undefined): boolean => {
  if (value === null) return false;
  if (typeof value === 'number') return from === undefined;
  const bytes = Buffer.from(value);
  return (
    (from === undefined || Buffer.compare(bytes, Buffer.from(from)) >= 0) &&
    (to === undefined || Buffer.compare(bytes, Buffer.from(to)) < 0)
  );
};

// Characters whose UTF-16 and UTF-8 orders differ (U+1F600 is a surrogate pair, below U+E000 in UTF-16).
const text = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', '2', '-', 'é', '\u{1F600}', '\uE000'),
  maxLength: 4,
});
const ascii = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '2', '-'), maxLength: 3 });
const value: fc.Arbitrary<Value> = fc.oneof(
  text,
  fc.integer({ min: -3, max: 3 }),
  fc.constant(1.5),
  fc.constant(null),
);

describe('value dictionary ranges', () => {
  it('mark the codes SQLite would pass, from the sorted values and those written after', () => {
    fc.assert(
      fc.property(
        // Values written, with sorts between some of them.
        fc.array(fc.oneof(value, fc.constant('sort' as const)), { maxLength: 60 }),
        fc.array(fc.record({ from: ascii, to: ascii }, { requiredKeys: [] }), { minLength: 1, maxLength: 6 }),
        (writes, ranges) => {
          const dictionary = new ValueDictionary();
          for (const w of writes)
            if (w === 'sort') dictionary.sort();
            else dictionary.codeOf(w);
          for (const { from, to } of ranges) {
            if (from === undefined && to === undefined) continue;
            const pass = new Uint8Array(dictionary.values.length);
            dictionary.markRange(pass, from, to);
            expect([...pass].map(Boolean)).toEqual(dictionary.values.map((v) => inRange(v, from, to)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sort a long tail of values before a range, and find it the same', () => {
    const dictionary = new ValueDictionary();
    const days = Array.from({ length: 3000 }, (_, i) =>
      new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    );
    for (const day of [...days].reverse()) dictionary.codeOf(day);
    const pass = new Uint8Array(dictionary.values.length);
    dictionary.markRange(pass, '2025-02-01', '2025-03-01');
    expect(pass.reduce((a, b) => a + b, 0)).toBe(28 * 24);
    // After the sort, the values written later are tested one by one.
    dictionary.codeOf('2025-02-10');
    dictionary.codeOf(7);
    const again = new Uint8Array(dictionary.values.length);
    dictionary.markRange(again, '2025-02-01', '2025-03-01');
    expect(again.reduce((a, b) => a + b, 0)).toBe(28 * 24 + 1);
    const upTo = new Uint8Array(dictionary.values.length);
    dictionary.markRange(upTo, undefined, '2025-01-01T01');
    expect(upTo.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('find an equal value of the same type only', () => {
    const dictionary = new ValueDictionary();
    const codes = [1, '1', 1.5, 'done', 0].map((v) => dictionary.codeOf(v));
    const marked = (v: Value) => {
      const pass = new Uint8Array(dictionary.values.length);
      dictionary.markEqual(pass, v);
      return [...pass.keys()].filter((code) => pass[code] === 1);
    };
    expect(marked(1)).toEqual([codes[0]]);
    expect(marked('1')).toEqual([codes[1]]);
    expect(marked(-0)).toEqual([codes[4]]);
    expect(marked(null)).toEqual([0]);
    expect(marked('missing')).toEqual([]);
  });
});

// SQLite's ORDER BY ... NULLS LAST of two values, written another way.
const sqliteOrder = (a: Value, b: Value): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
};

describe('value dictionary order keys', () => {
  it('order as SQLite orders the values, where known, and are kept for numbers or strings alone', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('numbers', 'strings', 'both'),
        fc.array(
          fc.oneof(
            { arbitrary: value, weight: 1 },
            // Strings below U+D800 mostly, which JavaScript orders as SQLite does.
            {
              arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '2', 'é'), maxLength: 3 }),
              weight: 3,
            },
            { arbitrary: fc.integer({ min: -50, max: 50 }).map((n) => n / 4), weight: 3 },
            { arbitrary: fc.constantFrom('sort' as const, 'keys' as const), weight: 1 },
          ),
          { minLength: 10, maxLength: 60 },
        ),
        (kind, writes) => {
          const dictionary = new ValueDictionary();
          const keep = (v: Value) =>
            v === null || kind === 'both' || (typeof v === 'number') === (kind === 'numbers');
          for (const w of writes) {
            if (w === 'sort') dictionary.sort();
            else if (w === 'keys') dictionary.orderKeys();
            else if (keep(w)) dictionary.codeOf(w);
          }
          const { values } = dictionary;
          const keys = dictionary.orderKeys();
          const mixed =
            values.some((v) => typeof v === 'number') && values.some((v) => typeof v === 'string');
          const surrogates = values.some((v) => typeof v === 'string' && /[\ud800-\uffff]/.test(v));
          expect(keys === undefined).toBe(mixed || surrogates);
          if (!keys) return;
          expect(keys).toHaveLength(values.length);
          expect(keys[0]).toBe(Infinity);
          for (let a = 0; a < values.length; a++)
            for (let b = 0; b < values.length; b++) {
              if (Number.isNaN(keys[a]) || Number.isNaN(keys[b])) continue;
              expect(Math.sign(keys[a]! - keys[b]!) || 0).toBe(sqliteOrder(values[a]!, values[b]!));
              compared++;
            }
          // Numbers are always known; strings once sorted.
          if (!values.some((v) => typeof v === 'string')) expect(keys.some(Number.isNaN)).toBe(false);
          dictionary.sort();
          expect(dictionary.orderKeys()!.some(Number.isNaN)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
    expect(compared).toBeGreaterThan(10_000);
  });

  it('leave strings written since the sort unknown, and sort a few values or a long tail first', () => {
    const dictionary = new ValueDictionary();
    const days = Array.from({ length: 2000 }, (_, i) =>
      new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    );
    for (const day of days.slice(0, 10)) dictionary.codeOf(day);
    // Few values: sorted for the keys.
    expect(dictionary.orderKeys()!.some(Number.isNaN)).toBe(false);
    for (const day of days.slice(10, 1600)) dictionary.codeOf(day);
    expect(dictionary.orderKeys()!.some(Number.isNaN)).toBe(false);
    // 300 more, under a quarter of those sorted: left unknown, and the keys made before are kept.
    for (const day of days.slice(1600, 1900)) dictionary.codeOf(day);
    const keys = dictionary.orderKeys()!;
    expect(keys.filter(Number.isNaN)).toHaveLength(300);
    expect(keys[dictionary.codeOf(days[5]!)]).toBeLessThan(keys[dictionary.codeOf(days[6]!)]!);
    // Past a quarter: sorted again.
    for (const day of days.slice(1900)) dictionary.codeOf(day);
    dictionary.codeOf('2024-12-31');
    for (let i = 0; i < 700; i++) dictionary.codeOf(`2026-${i}`);
    expect(dictionary.orderKeys()!.some(Number.isNaN)).toBe(false);
  });

  it('leave a large field of strings never sorted unknown, rather than sort it for one list', () => {
    const dictionary = new ValueDictionary();
    for (let i = 0; i < 20_000; i++) dictionary.codeOf(`branch-${(i * 7919) % 20_000}`);
    const keys = dictionary.orderKeys()!;
    expect(keys.filter(Number.isNaN)).toHaveLength(20_000);
    // A range sorts them; the keys follow.
    dictionary.markRange(new Uint8Array(dictionary.values.length), 'branch-1', 'branch-2');
    const sorted = dictionary.orderKeys()!;
    expect(sorted.some(Number.isNaN)).toBe(false);
    expect(sorted[dictionary.codeOf('branch-10')]).toBeLessThan(sorted[dictionary.codeOf('branch-9')]!);
  });
});
