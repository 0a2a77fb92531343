import { describe, expect, it } from 'vitest';
import { sharedKeyIds } from '../../src/engine/key-ids.js';
import {
  boolColumn as bools,
  numberColumn as numbers,
  textColumn as text,
  wordsColumn as words,
} from '../helpers/columns.js';

describe('the keys both sides share', () => {
  it('keeps apart keys of two text columns whose parts only run together alike', () => {
    // ('a', '\u0002\0\0\0\0b') and ('a\u0002\0\0\0\0', 'b'): the bytes of each part, tagged, join
    // alike but for the lengths.
    const first = ['a', 'a\u0002\u0000\u0000\u0000\u0000'];
    const second = ['\u0002\u0000\u0000\u0000\u0000b', 'b'];
    const [a] = sharedKeyIds([text(first), text(second)], 2, [words(first), words(second)], 2)!;
    expect(a.keys[0]).not.toBe(a.keys[1]);
  });

  it('gives -0 and 0 one id, 1 and "1" two, true and false two, and a key with a null part none', () => {
    const [a, b] = sharedKeyIds(
      [numbers([-0, 1, 2, null]), bools([true, false, null, true])],
      4,
      [numbers([0, 1, 2, 3]), bools([true, true, false, false])],
      4,
    )!;
    expect(a.keys[0]).toBe(b.keys[0]);
    expect(a.keys[1]).not.toBe(b.keys[1]);
    expect([a.nulls, b.nulls]).toEqual([2, 0]);
    expect([Number.isNaN(a.keys[2]), Number.isNaN(a.keys[3])]).toEqual([true, true]);
    // 4 x 2^-1074 has the bytes 04 00 .. 00, as the text of four NULs has after its length (4).
    const [n, t] = sharedKeyIds(
      [numbers([1, 4 * Number.MIN_VALUE])],
      2,
      [text(['1', '\u0000'.repeat(4)])],
      2,
    )!;
    expect(n.keys[0]).not.toBe(t.keys[0]);
    expect(n.keys[1]).not.toBe(t.keys[1]);
  });

  it('is not made for a column of cells, which the Map keeps', () => {
    expect(sharedKeyIds([['a']], 1, [text(['a'])], 1)).toBeNull();
  });
});
