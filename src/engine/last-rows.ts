// Rows matched by their keys (the bytes oxen hashes over some columns) for the tabular diff
// (tabular-diff.ts), without a Map of a million strings.
import { keepShapes } from './kept-shapes.js';

/**
 * Per distinct key (a row's hashed bytes), the last row that has it, in an open-addressing table of
 * typed arrays over each key's FNV-1a hash: the diff of two files of a million rows took 3.7-4.0 s
 * with a Map of their strings, 3.0-3.2 s so (by hand). A hash with no seed can be made to collide
 * on purpose, so the probes are capped at a few per row: past the cap, `keys` is left to a Map (whose
 * hashing V8 seeds per process).
 */
export class LastRows {
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Each row's key's hash, made once: the other side's lookups use it too. */
  private readonly hashes: Int32Array;
  private readonly map: Map<string | null, number> | undefined;

  /** Whether the table holds the rows, or a Map does (the cap was passed). */
  get how(): 'table' | 'map' {
    return this.map ? 'map' : 'table';
  }

  constructor(private readonly keys: Array<string | null>) {
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(keys.length);
    for (let row = 0; row < keys.length; row++) this.hashes[row] = hashOf(keys[row]!);
    this.map = this.fill() ? undefined : new Map(keys.map((key, row) => [key, row]));
  }

  /** Puts every row in, a later row of a key taking its earlier one's place; false past the cap. */
  private fill(): boolean {
    const { keys, slots, hashes } = this;
    let budget = 8 * keys.length + 64;
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      let slot = hashes[row]! & this.mask;
      for (let at = slots[slot]!; at !== 0 && keys[at - 1] !== key; at = slots[slot]!) {
        if (--budget < 0) return false;
        slot = (slot + 1) & this.mask;
      }
      slots[slot] = row + 1;
    }
    return true;
  }

  /** Whether some row's key is `key`, whose hash is `hash`. */
  private has(key: string | null, hash: number): boolean {
    if (this.map) return this.map.has(key);
    const { keys, slots, hashes } = this;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slots[slot]!;
      if (at === 0) return false;
      if (hashes[at - 1] === hash && keys[at - 1] === key) return true;
    }
  }

  /** The rows of this side whose key `other` lacks, the last row of each key, in row order. */
  missingFrom(other: LastRows): number[] {
    const { keys, hashes } = this;
    const out: number[] = [];
    const test = (row: number) => {
      if (!other.has(keys[row]!, hashes[row]!)) out.push(row);
    };
    if (this.map) for (const row of this.map.values()) test(row);
    else for (const at of this.slots) if (at > 0) test(at - 1);
    return out.sort((a, b) => a - b);
  }
}

/**
 * FNV-1a over a key's characters (each a byte: keys are latin1 strings), its bits then mixed as
 * MurmurHash3's finalizer mixes them: FNV's low bits, which pick the slot, depend on the low bits of
 * the bytes alone. 0 for null.
 */
function hashOf(key: string | null): number {
  if (key === null) return 0;
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

// See kept-shapes.ts.
keepShapes(new LastRows([]));
