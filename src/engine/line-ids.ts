// The lines of two texts as integer ids, so that the text diff compares numbers, never strings, and
// decodes only the lines it shows. Lines are split at "\n" like Rust's `str::split("\n")`: a trailing
// newline yields a final empty line.

/** One text's lines: line i is `bytes[starts[i], starts[i + 1] - 1)`, the excluded byte being its "\n". */
export class TextLines {
  private readonly text: Buffer;
  /** How many lines `line` has decoded one by one, and the whole text's lines once it has split it. */
  private decodes = 0;
  private decoded: string[] | undefined;

  constructor(
    readonly bytes: Uint8Array,
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
    // Room for lines of 32 bytes on average, made larger between passes if the lines are shorter.
    let starts: Int32Array = new Int32Array((bytes.length >> 5) + 16);
    let hashes: Int32Array = new Int32Array(starts.length);
    let count = hashLines(bytes, starts, hashes, 0);
    while (count < 0) {
      starts = grown(starts);
      hashes = grown(hashes);
      count = hashLines(bytes, starts, hashes, -count);
    }
    return new TextLines(
      bytes,
      count,
      starts.subarray(0, count + 1),
      hashes.subarray(0, count),
      new Int32Array(count),
    );
  }

  lineLength(i: number): number {
    return this.starts[i + 1]! - 1 - this.starts[i]!;
  }

  /**
   * Line i as text. A diff that shows a few lines decodes just those; one that shows many (an eighth
   * of the text or more) decodes the whole text once, and splits it: one native call per line would
   * cost more.
   */
  line(i: number): string {
    if (this.decoded) return this.decoded[i]!;
    if (++this.decodes <= this.count >> 3)
      return this.text.toString('utf8', this.starts[i], this.starts[i + 1]! - 1);
    this.decoded = this.text.toString('utf8').split('\n');
    return this.decoded[i]!;
  }

  /** Line i with each byte as one character: equal keys are equal lines, and no decoding is done. */
  key(i: number): string {
    return this.text.toString('latin1', this.starts[i], this.starts[i + 1]! - 1);
  }
}

const NEWLINE = 0x0a;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * Fills in the start and FNV-1a hash of each line from line `from` on (which starts at
 * `starts[from]`), and returns how many lines the text has; or, when the arrays are full first,
 * minus how many lines they hold, to be called again once they are larger. Growing them is left to
 * the caller: V8 optimizes this loop while it runs, and a branch it has not yet taken would throw
 * that optimized code away.
 */
function hashLines(bytes: Uint8Array, starts: Int32Array, hashes: Int32Array, from: number): number {
  const full = starts.length - 1;
  let line = from;
  let hash = FNV_OFFSET;
  for (let at = starts[from]!; at < bytes.length; at++) {
    const byte = bytes[at]!;
    if (byte === NEWLINE) {
      hashes[line] = hash;
      starts[++line] = at + 1;
      hash = FNV_OFFSET;
      if (line === full) return -line;
    } else {
      hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
  }
  hashes[line] = hash;
  starts[line + 1] = bytes.length + 1;
  return line + 1;
}

function grown(array: Int32Array): Int32Array {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
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
  let capacity = 16;
  while (capacity < a.count * 2) capacity *= 2;
  // A slot holds 1 + the index in `a` of the first line with its content, or 0 when empty.
  const slots = new Int32Array(capacity);
  // Probes and compared bytes, at most.
  const budget = 8 * (a.count + b.count + a.starts[a.count]! + b.starts[b.count]!);
  const left = idSide(a, a, slots, budget);
  return left >= 0 && idSide(b, a, slots, left) >= 0;
}

/**
 * Gives each line of `side` an id through `slots`, the table of `a`'s lines: a line of `a` gets its
 * equal's id or the next new one; a line of another side, its equal's in `a` or -1. Returns the
 * budget left, negative once it has run out. All the work is in this one loop, probing and comparing
 * inline: V8 optimizes a loop that runs long soon, a function called once per line only much later.
 */
function idSide(side: TextLines, a: TextLines, slots: Int32Array, budget: number): number {
  const claim = side === a;
  const mask = slots.length - 1;
  const { bytes, starts, hashes, ids } = side;
  let nextId = 0;
  for (let i = 0; i < side.count; i++) {
    const hash = hashes[i]!;
    const from = starts[i]!;
    const length = starts[i + 1]! - 1 - from;
    // murmur3's finalizer: FNV-1a's low bits alone would spread similar lines poorly over the table.
    let mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    let id = -1;
    for (let slot = (mixed ^ (mixed >>> 16)) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot]! - 1;
      if (held < 0) {
        if (claim) {
          slots[slot] = i + 1;
          id = nextId++;
        }
        break;
      }
      if (--budget < 0) return budget;
      if (a.hashes[held] !== hash) continue;
      const heldFrom = a.starts[held]!;
      if (a.starts[held + 1]! - 1 - heldFrom !== length) continue;
      budget -= length;
      let same = 0;
      while (same < length && bytes[from + same] === a.bytes[heldFrom + same]) same++;
      if (same === length) {
        id = a.ids[held]!;
        break;
      }
    }
    ids[i] = id;
  }
  return budget;
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
