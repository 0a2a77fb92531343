// Large values stored in parts of 1 MiB (file contents, data source tables): SQLite reads a value
// whole, and a 50 MB value read as one would hold the event loop for tens of milliseconds; in parts it
// is read a part per turn of the event loop.
import { setImmediate as nextTurn } from 'node:timers/promises';

const PART_BYTES = 1 << 20;

/**
 * `content` cut in parts of PART_BYTES: at least one, even when it is empty (views, not copies).
 * Content given as chunks, one after the other (a table's head and its columns' arrays), is cut
 * chunk by chunk, except that a run of chunks smaller than SMALL_CHUNK is joined into one part, up
 * to PART_BYTES (the head, the zeros between sections, a small table's columns).
 */
export function partsOf(content: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(content)) return cut(content as Uint8Array);
  const parts: Uint8Array[] = [];
  let small: Uint8Array[] = [];
  let smallBytes = 0;
  const join = () => {
    if (small.length > 0) parts.push(small.length === 1 ? small[0]! : Buffer.concat(small));
    small = [];
    smallBytes = 0;
  };
  for (const chunk of content as readonly Uint8Array[]) {
    if (chunk.length >= SMALL_CHUNK) {
      join();
      parts.push(...cut(chunk));
    } else if (chunk.length > 0) {
      if (smallBytes + chunk.length > PART_BYTES) join();
      small.push(chunk);
      smallBytes += chunk.length;
    }
  }
  join();
  return parts.length > 0 ? parts : [new Uint8Array(0)];
}

/** Chunks at least this long are parts of their own (cut in PART_BYTES), not joined to others. */
const SMALL_CHUNK = 1 << 16;

function cut(content: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < content.length; at += PART_BYTES)
    parts.push(content.subarray(at, at + PART_BYTES));
  return parts;
}

/**
 * The stored parts of one value, of the given `sizes`, joined: `read(i)` gives part i, and each is
 * read in a turn of its own. Undefined when a part is gone or has another size by the time it is read
 * (the value was removed or replaced meanwhile). The buffer owns its memory, so it can move to a
 * worker thread.
 */
export async function joinParts(
  sizes: number[],
  read: (part: number) => Uint8Array | undefined,
): Promise<Buffer | undefined> {
  const out = Buffer.allocUnsafeSlow(sizes.reduce((n, size) => n + size, 0));
  let at = 0;
  for (const [part, size] of sizes.entries()) {
    if (part > 0) await nextTurn();
    const content = read(part);
    if (content?.length !== size) return undefined;
    out.set(content, at);
    at += size;
  }
  return out;
}
