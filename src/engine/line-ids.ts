// The lines of two texts as integer ids, so that the text diff compares numbers, never strings, and
// decodes only the lines it shows. Lines are split at "\n" like Rust's `str::split("\n")`: a trailing
// newline yields a final empty line.

/** One text's lines: line i is `bytes[starts[i], starts[i + 1] - 1)`, the excluded byte being its "\n". */
export class TextLines {
  private readonly text: Buffer;

  constructor(
    bytes: Uint8Array,
    /** How many lines; an empty text has one, empty. */
    readonly count: number,
    /** count + 1 entries; the last is bytes.length + 1, as if the text ended with a newline. */
    readonly starts: Int32Array,
    /** Each line's FNV-1a hash: equal lines have equal hashes. */
    readonly hashes: Int32Array,
    /** Each line's id (see `idLines`): equal ids are equal lines. */
    readonly ids: Int32Array,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Splits UTF-8 (or any ASCII-compatible) bytes into lines, hashing each. */
  static split(bytes: Uint8Array): TextLines {
    const count = countLines(bytes);
    const starts = new Int32Array(count + 1);
    const hashes = new Int32Array(count);
    hashLines(bytes, starts, hashes);
    return new TextLines(bytes, count, starts, hashes, new Int32Array(count));
  }

  lineLength(i: number): number {
    return this.starts[i + 1]! - 1 - this.starts[i]!;
  }

  /** Line i as text. */
  line(i: number): string {
    return this.text.toString('utf8', this.starts[i], this.starts[i + 1]! - 1);
  }

  /** Line i with each byte as one character: equal keys are equal lines, and no decoding is done. */
  key(i: number): string {
    return this.text.toString('latin1', this.starts[i], this.starts[i + 1]! - 1);
  }

  /** Whether line i here has the same bytes as line j of `other`. */
  sameLine(i: number, other: TextLines, j: number): boolean {
    const length = this.lineLength(i);
    if (length !== other.lineLength(j)) return false;
    const from = this.starts[i]!;
    const otherFrom = other.starts[j]!;
    for (let k = 0; k < length; k++) if (this.text[from + k] !== other.text[otherFrom + k]) return false;
    return true;
  }
}

const NEWLINE = 0x0a;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

// Each pass over the bytes is a function of its own: V8 optimizes a long loop while it runs, and the
// code after it, not yet run, would throw that optimized code away again.

function countLines(bytes: Uint8Array): number {
  let count = 1;
  for (let at = 0; at < bytes.length; at++) if (bytes[at] === NEWLINE) count++;
  return count;
}

/** Fills in each line's start and FNV-1a hash. */
function hashLines(bytes: Uint8Array, starts: Int32Array, hashes: Int32Array): void {
  let line = 0;
  let hash = FNV_OFFSET;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at]!;
    if (byte === NEWLINE) {
      hashes[line] = hash;
      starts[++line] = at + 1;
      hash = FNV_OFFSET;
    } else {
      hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
  }
  hashes[line] = hash;
  starts[line + 1] = bytes.length + 1;
}

/**
 * Gives every line of `a` an id (0, 1, … in order of first appearance) and every line of `b` the id of
 * the equal line of `a`, or -1 when `a` has no such line.
 *
 * Lines go into an open-addressing table keyed by their hash. A hash that is not seeded can be made to
 * collide on purpose, so the table's work is capped at a few steps per line and byte: past the cap the
 * ids are made again with a Map, whose string hashing V8 seeds per process. The ids are the same
 * either way; only the time differs. Returns which way they were made.
 */
export function idLines(a: TextLines, b: TextLines): 'table' | 'map' {
  if (idLinesByHash(a, b)) return 'table';
  idLinesByMap(a, b);
  return 'map';
}

function idLinesByHash(a: TextLines, b: TextLines): boolean {
  const table = new LineTable(a, 8 * (a.count + b.count + a.starts[a.count]! + b.starts[b.count]!));
  return table.claimAll() && table.findAll(b);
}

const OVER_BUDGET = -2;

/** Open addressing over the lines of `a`, by hash, with linear probing. */
class LineTable {
  /** 1 + the index in `a` of the first line with a slot's content, or 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private nextId = 0;

  constructor(
    private readonly a: TextLines,
    /** Probes and compared bytes left before giving up. */
    private budget: number,
  ) {
    let capacity = 16;
    while (capacity < a.count * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Gives each line of `a` its id; false past the budget. */
  claimAll(): boolean {
    const ids = this.a.ids;
    for (let i = 0; i < ids.length; i++) if ((ids[i] = this.claim(i)) === OVER_BUDGET) return false;
    return true;
  }

  /** Gives each line of `side` the id of its equal in `a`, or -1; false past the budget. */
  findAll(side: TextLines): boolean {
    const ids = side.ids;
    for (let j = 0; j < ids.length; j++) if ((ids[j] = this.find(side, j)) === OVER_BUDGET) return false;
    return true;
  }

  /** Line i of `a`'s id: its equal's, or a new one; OVER_BUDGET past the budget. */
  claim(i: number): number {
    const { a, slots, mask } = this;
    const hash = a.hashes[i]!;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot]! - 1;
      if (held < 0) {
        slots[slot] = i + 1;
        return this.nextId++;
      }
      if (this.matches(a, i, hash, held)) return a.ids[held]!;
      if (this.budget < 0) return OVER_BUDGET;
    }
  }

  /** The id of the line of `a` equal to line j of `side`, or -1; OVER_BUDGET past the budget. */
  find(side: TextLines, j: number): number {
    const { a, slots, mask } = this;
    const hash = side.hashes[j]!;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot]! - 1;
      if (held < 0) return -1;
      if (this.matches(side, j, hash, held)) return a.ids[held]!;
      if (this.budget < 0) return OVER_BUDGET;
    }
  }

  private matches(side: TextLines, j: number, hash: number, held: number): boolean {
    this.budget--;
    if (this.a.hashes[held] !== hash) return false;
    this.budget -= side.lineLength(j);
    return side.sameLine(j, this.a, held);
  }
}

function idLinesByMap(a: TextLines, b: TextLines): void {
  const ids = new Map<string, number>();
  for (let i = 0; i < a.count; i++) {
    const key = a.key(i);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    a.ids[i] = id;
  }
  for (let j = 0; j < b.count; j++) b.ids[j] = ids.get(b.key(j)) ?? -1;
}

/** murmur3's finalizer: FNV-1a's low bits alone spread similar lines poorly over the table. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
