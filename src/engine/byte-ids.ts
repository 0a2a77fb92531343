// Ids of byte strings: equal bytes get one id (1, 2, ... in the order first seen), found through an
// open-addressing table of typed arrays by an FNV-1a hash, checked byte for byte, with no string made
// for a lookup. An unseeded hash can be made to collide on purpose, so the table's work is capped at
// a few steps per lookup and byte (as line-ids.ts caps its own); past it, ids are found through a Map
// of the bytes as latin1 strings, whose hashing V8 seeds per process.
import { keepShapes } from './kept-shapes.js';

/** Steps allowed per lookup and per byte looked up, beyond a start. */
const STEPS_PER_UNIT = 8;
const START_STEPS = 1 << 16;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The bytes' FNV-1a hash as a signed 32-bit integer, as Math.imul gives it: only its low bits pick a
 * slot. Made unsigned (`>>> 0`), half of the hashes were past V8's small integers, and each was
 * passed boxed to hashedId (a column of 1M words read 6% faster without, by hand).
 */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let k = start; k < end; k++) hash = Math.imul(hash ^ bytes[k]!, FNV_PRIME);
  return hash;
}

export class ByteIds {
  /** Each id's bytes, one after the other: id k's from `starts[k - 1]` to `starts[k]`. */
  private bytes = new Uint8Array(1 << 10);
  private readonly starts = [0];
  /** Per slot, an id, or 0. */
  private slots = new Uint32Array(1 << 10);
  private steps = 0;
  private budget = START_STEPS;
  /** Once the table has worked too hard: the ids by their bytes as latin1 text. */
  private byText: Map<string, number> | undefined;

  /** Whether lookups still go through the table (false once it has worked too hard). */
  get hashed(): boolean {
    return this.byText === undefined;
  }

  /** How many ids there are. */
  get size(): number {
    return this.starts.length - 1;
  }

  /** Where the field fieldId last read ends. */
  fieldEnd = 0;

  /** The id of `source[start, end)`, a new one when those bytes have none yet. */
  idOf(source: Uint8Array, start: number, end: number): number {
    return this.byText
      ? this.textId(source, start, end)
      : this.hashedId(source, start, end, hashOf(source, start, end));
  }

  /**
   * idOf of the field at `start`, which ends at its first byte `stop1` or `stop2` (a one-byte
   * delimiter or line break), or at `end`: hashed as its end is looked for. Sets `fieldEnd` to its end.
   */
  fieldId(source: Uint8Array, start: number, end: number, stop1: number, stop2: number): number {
    let hash = FNV_OFFSET;
    let at = start;
    for (; at < end; at++) {
      const byte = source[at]!;
      if (byte === stop1 || byte === stop2) break;
      hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
    this.fieldEnd = at;
    return this.byText ? this.textId(source, start, at) : this.hashedId(source, start, at, hash);
  }

  /** idOf, the bytes' hash given. */
  private hashedId(source: Uint8Array, start: number, end: number, hash: number): number {
    this.budget += STEPS_PER_UNIT * (1 + end - start);
    const { slots, bytes, starts } = this;
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (let id = slots[slot]!; id !== 0; id = slots[slot]!) {
      const from = starts[id - 1]!;
      const length = end - start;
      let same = starts[id]! - from === length;
      for (let k = 0; same && k < length; k++) same = bytes[from + k] === source[start + k];
      this.steps += 1 + length;
      if (same) return id;
      slot = (slot + 1) & mask;
    }
    if (this.steps > this.budget) {
      this.useMap();
      return this.textId(source, start, end);
    }
    const id = this.add(source, start, end);
    slots[slot] = id;
    if (id * 2 > slots.length) this.rehash();
    return id;
  }

  /** The bytes of id `id`. */
  bytesOf(id: number): Uint8Array {
    return this.bytes.subarray(this.starts[id - 1], this.starts[id]);
  }

  private add(source: Uint8Array, start: number, end: number): number {
    const from = this.starts[this.starts.length - 1]!;
    const to = from + end - start;
    if (to > this.bytes.length) {
      const larger = new Uint8Array(Math.max(this.bytes.length * 2, to));
      larger.set(this.bytes.subarray(0, from));
      this.bytes = larger;
    }
    this.bytes.set(source.subarray(start, end), from);
    this.starts.push(to);
    return this.starts.length - 1;
  }

  /** The table twice as large, every id in it again. */
  private rehash(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 1; id <= this.size; id++) {
      let slot = hashOf(this.bytes, this.starts[id - 1]!, this.starts[id]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }

  private useMap(): void {
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.byText = new Map();
    for (let id = 1; id <= this.size; id++)
      this.byText.set(text.toString('latin1', this.starts[id - 1], this.starts[id]), id);
    this.slots = new Uint32Array(0);
  }

  private textId(source: Uint8Array, start: number, end: number): number {
    const view = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    const key = view.toString('latin1', start, end);
    const id = this.byText!.get(key);
    if (id !== undefined) return id;
    const added = this.add(source, start, end);
    this.byText!.set(key, added);
    return added;
  }
}

// See kept-shapes.ts.
keepShapes(new ByteIds());
