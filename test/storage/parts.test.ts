import { describe, expect, it } from 'vitest';
import { partsOf } from '../../src/storage/parts.js';

const MiB = 1 << 20;
/** `length` bytes counting up from `first`, so that a misplaced byte shows. */
const bytes = (length: number, first = 0) => Uint8Array.from({ length }, (_, k) => (first + k) % 251);

describe('a value cut in parts', () => {
  it('cuts one buffer into views of 1 MiB, and an empty one into one empty part', () => {
    const content = bytes(2 * MiB + 5);
    const parts = partsOf(content);
    expect(parts.map((p) => p.length)).toEqual([MiB, MiB, 5]);
    expect(parts.every((p) => p.buffer === content.buffer)).toBe(true);
    expect(partsOf(new Uint8Array(0)).map((p) => p.length)).toEqual([0]);
  });

  it('cuts chunks one by one, joining the small ones in a row, to the same bytes', () => {
    // A table's head, zeros, a large column, zeros, small columns, then a large one again.
    const chunks = [
      bytes(300),
      bytes(4, 7),
      bytes(MiB + 10, 1),
      bytes(2, 3),
      bytes(900, 5),
      bytes(70_000, 9),
    ];
    const parts = partsOf(chunks);
    expect(parts.map((p) => p.length)).toEqual([304, MiB, 10, 902, 70_000]);
    expect(Buffer.concat(parts).equals(Buffer.concat(chunks))).toBe(true);
    // Large chunks are not copied.
    expect(parts[1]!.buffer).toBe(chunks[2]!.buffer);
  });

  it('joins small chunks up to 1 MiB a part, and stores no chunks as one empty part', () => {
    const chunks = Array.from({ length: 40 }, (_, i) => bytes(60_000, i));
    const parts = partsOf(chunks);
    expect(parts.every((p) => p.length <= MiB)).toBe(true);
    expect(parts.map((p) => p.length)).toEqual([17 * 60_000, 17 * 60_000, 6 * 60_000]);
    expect(Buffer.concat(parts).equals(Buffer.concat(chunks))).toBe(true);
    expect(partsOf([]).map((p) => p.length)).toEqual([0]);
    expect(partsOf([new Uint8Array(0)]).map((p) => p.length)).toEqual([0]);
  });
});
