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
