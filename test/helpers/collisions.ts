// Texts made to collide under FNV-1a, for the engine's hash tables over it, which must not slow to a
// crawl on them.

export const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** FNV-1a from a state, over ASCII text. */
export function fnv(from: number, text: string): number {
  let hash = from;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
/** The n-th four-letter piece. */
const piece = (n: number) => [0, 6, 12, 18].map((shift) => ALPHABET[(n >> shift) & 63]).join('');

/**
 * 2^rounds distinct lines with one FNV-1a hash. FNV has no length step, so two pieces with the same
 * hash from one state keep it whatever follows: a colliding pair per round, found by trying pieces
 * in order, doubles the lines.
 */
export function collidingLines(rounds: number): string[] {
  let lines = [''];
  let state = FNV_OFFSET;
  for (let round = 0; round < rounds; round++) {
    const seen = new Map<number, number>();
    for (let n = 0; ; n++) {
      let hash = state;
      for (let shift = 0; shift < 24; shift += 6) {
        hash = Math.imul(hash ^ ALPHABET.charCodeAt((n >> shift) & 63), FNV_PRIME);
      }
      const other = seen.get(hash);
      if (other !== undefined) {
        lines = lines.flatMap((line) => [line + piece(other), line + piece(n)]);
        state = hash;
        break;
      }
      seen.set(hash, n);
    }
  }
  return lines;
}
