// Large values stored in parts of 1 MiB (file contents, data source tables): SQLite reads a value
// whole, and a 50 MB value read as one would hold the event loop for tens of milliseconds; in parts it
// is read a part per turn of the event loop.
import { setImmediate as nextTurn } from 'node:timers/promises';

const PART_BYTES = 1 << 20;

/** `content` cut in parts of PART_BYTES: at least one, even when it is empty (views, not copies). */
export function partsOf(content: Uint8Array): Uint8Array[] {
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
