import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteIds } from '../../src/engine/byte-ids.js';

/** The ids a Map gives the same byte strings: 1, 2, ... in the order first seen. */
function mapIds(values: Uint8Array[]): number[] {
  const ids = new Map<string, number>();
  return values.map((v) => {
    const key = Buffer.from(v).toString('latin1');
    if (!ids.has(key)) ids.set(key, ids.size + 1);
    return ids.get(key)!;
  });
}

/** Each value looked up from inside a larger buffer, as a CSV's fields are. */
function byteIds(values: Uint8Array[], ids = new ByteIds()): number[] {
  return values.map((v) => {
    const source = new Uint8Array(v.length + 5);
    source.set(v, 3);
    return ids.idOf(source, 3, 3 + v.length);
  });
}

describe('byte ids', () => {
  it('gives equal bytes one id and others new ones, in the order first seen, as a Map does', () => {
    // Few distinct values, so that they repeat; one a prefix of another; empty ones.
    const value = fc.oneof(
      fc.uint8Array({ maxLength: 3 }).map((v) => v.map((b) => b % 3)),
      fc.uint8Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3000 }), (values) => {
        const ids = new ByteIds();
        expect(byteIds(values, ids)).toEqual(mapIds(values));
        expect(ids.size).toBe(new Set(values.map((v) => Buffer.from(v).toString('latin1'))).size);
        for (const v of values) expect([...ids.bytesOf(byteIds([v], ids)[0]!)]).toEqual([...v]);
      }),
      { numRuns: 100, seed: 20261206 },
    );
  });

  it('tells apart bytes of which one begins the other', () => {
    // 'x', 'xx', ... each three times: those that share a run of slots compare alike as far as the shorter.
    const values = Array.from({ length: 900 }, (_, i) => Buffer.from('x'.repeat(1 + Math.floor(i / 3))));
    expect(byteIds(values)).toEqual(mapIds(values));
  });

  it('turns to a Map when keys made to collide pile up in the table, and gives the same ids', () => {
    // 1,500 strings whose FNV-1a hashes share their low 12 bits: while the table has 4,096 slots or
    // fewer, each lands in the run of slots of all those before it.
    const fnv = (text: string) => {
      let hash = 0x811c9dc5;
      for (let k = 0; k < text.length; k++) hash = Math.imul(hash ^ text.charCodeAt(k), 0x01000193);
      return hash >>> 0;
    };
    const colliding: Uint8Array[] = [];
    for (let i = 0; colliding.length < 1500; i++)
      if ((fnv(`k${i}`) & 0xfff) === 0) colliding.push(Buffer.from(`k${i}`));
    const values = [...colliding, ...colliding.slice(0, 700)];
    const ids = new ByteIds();
    expect(byteIds(values, ids)).toEqual(mapIds(values));
    expect(ids.hashed).toBe(false);
    // Ordinary keys stay in the table.
    const plain = new ByteIds();
    byteIds(
      Array.from({ length: 20_000 }, (_, i) => Buffer.from(`item-${i % 5000}`)),
      plain,
    );
    expect(plain.hashed).toBe(true);
  });
});
