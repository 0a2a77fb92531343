// Text diff exactly as oxen-server 0.50.0 answers it (reference §5.1): line changes from the
// `difference` crate 2.0.0 (`lcs` + `merge`), then Oxen's context hunks. The pairing of removed and
// added lines follows that crate's dynamic-programming table and greedy merge, so this file ports both.
import { diff as myersDiff } from 'fast-myers-diff';
import { idLines, TextLines } from './line-ids.js';

export type LineModification = 'Added' | 'Removed' | 'Unchanged';
export interface LineDiff {
  modification: LineModification;
  text: string;
}
/** A run of lines: Same (in both), Rem (only in old), Add (only in new); `at` indexes new for Add, else old. */
interface DiffBlock {
  kind: 'Same' | 'Rem' | 'Add';
  at: number;
  length: number;
}

/**
 * Above this many table cells (old lines × new lines, after the common suffix is set aside) the exact
 * N×M table would cost too much memory, so a linear-space Myers diff finds an equally long common
 * subsequence instead. The hunk rules stay the same; only the choice among equal-length pairings may
 * differ from oxen-server on such large inputs.
 */
export const EXACT_TABLE_LIMIT = 25_000_000;

const CONTEXT_BEFORE = 3;
const CONTEXT_AFTER = 2;

/**
 * The `difference` crate's `lcs` over line ids: DP table, then backtracking from the end with its tie
 * rule. The common lines, as indices in `a`.
 */
function lcsExact(a: Int32Array, b: Int32Array): number[] {
  const n = a.length;
  const m = b.length;
  const table = Math.min(n, m) < 0xffff ? new Uint16Array(n * m) : new Uint32Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    const prev = row - m;
    const ai = a[i];
    for (let j = 0; j < m; j++) {
      if (b[j] === ai) {
        table[row + j] = i === 0 || j === 0 ? 1 : table[prev + j - 1]! + 1;
      } else if (i === 0) {
        table[row + j] = j === 0 ? 0 : table[row + j - 1]!;
      } else if (j === 0) {
        table[row + j] = table[prev + j]!;
      } else {
        const left = table[row + j - 1]!;
        const up = table[prev + j]!;
        table[row + j] = left > up ? left : up;
      }
    }
  }
  const common: number[] = [];
  let i = n - 1;
  let j = m - 1;
  while (i >= 0 && j >= 0) {
    if (a[i] === b[j]) {
      common.push(i);
      i--;
      j--;
    } else if (i === 0 && j === 0) {
      break;
    } else if (i === 0 || (j > 0 && table[i * m + j - 1]! > table[(i - 1) * m + j]!)) {
      j--;
    } else {
      i--;
    }
  }
  return common.reverse();
}

/**
 * A longest common subsequence of two id sequences in linear space, as indices in `a`. Lines that occur
 * on one side only are dropped first (they can never be common), which keeps Myers fast on unrelated
 * files. Ids are those of `idLines`: in `a`, from 0 up and below a.length; in `b`, -1 for a line
 * that `a` lacks.
 */
export function lcsLinear(a: Int32Array, b: Int32Array): Int32Array {
  // The lines of a that b has, by their index in a, and their ids; and b's lines that a has.
  const keptAt = indicesOf(a, marks(b, a.length));
  const kept = keptAt.length;
  const keptA = idsAt(a, keptAt);
  const keptB = idsAt(b, indicesOf(b, marks(a, a.length)));
  // Myers reports the runs that differ; the common lines are the kept lines of a between them.
  let common = 0;
  let x = 0;
  for (const [sx, ex] of myersDiff(keptA, keptB)) {
    keptAt.copyWithin(common, x, sx);
    common += sx - x;
    x = ex;
  }
  keptAt.copyWithin(common, x, kept);
  return keptAt.subarray(0, common + kept - x);
}

// lcsLinear's passes are functions of their own: V8 optimizes a long loop while it runs, and the code
// after it, not yet run, would throw that optimized code away again.

/** A mark for each id (≥ 0) in `ids`, all below `size`. */
function marks(ids: Int32Array, size: number): Uint8Array {
  const marked = new Uint8Array(size);
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) marked[ids[i]!] = 1;
  return marked;
}

/** The indices in `ids` of the marked ids. */
function indicesOf(ids: Int32Array, marked: Uint8Array): Int32Array {
  const at = new Int32Array(ids.length);
  let count = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0 && marked[ids[i]!] === 1) at[count++] = i;
  return at.subarray(0, count);
}

function idsAt(ids: Int32Array, at: Int32Array): Int32Array {
  const picked = new Int32Array(at.length);
  for (let x = 0; x < at.length; x++) picked[x] = ids[at[x]!]!;
  return picked;
}

/**
 * The common subsequence the `difference` crate would find (exactly, up to EXACT_TABLE_LIMIT cells),
 * as indices in `a`.
 */
export function commonLines(a: Int32Array, b: Int32Array): Int32Array {
  // Backtracking takes equal last lines first, so a common suffix is matched the same way whatever
  // precedes it: set it aside to keep the table small.
  let suffix = 0;
  while (
    suffix < a.length - 1 &&
    suffix < b.length - 1 &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const headA = a.subarray(0, a.length - suffix);
  const headB = b.subarray(0, b.length - suffix);
  const head =
    headA.length * headB.length <= EXACT_TABLE_LIMIT ? lcsExact(headA, headB) : lcsLinear(headA, headB);
  const common = new Int32Array(head.length + suffix);
  common.set(head);
  for (let x = head.length, i = a.length - suffix; i < a.length; x++, i++) common[x] = i;
  return common;
}

/**
 * The `difference` crate's `merge`: greedy walk of old, new and common lines into Same/Rem/Add runs,
 * Rem before Add within a gap. `l`, `r` and `c` are line ids.
 */
function mergeLines(l: Int32Array, r: Int32Array, c: ArrayLike<number>): DiffBlock[] {
  let li = 0;
  let ri = 0;
  let ci = 0;
  const blocks: DiffBlock[] = [];
  const push = (kind: DiffBlock['kind'], at: number, end: number) => {
    if (end > at) blocks.push({ kind, at, length: end - at });
  };
  while (li < l.length || ri < r.length) {
    const sameAt = li;
    while (li < l.length && ci < c.length && l[li] === c[ci] && ri < r.length && r[ri] === c[ci]) {
      li++;
      ri++;
      ci++;
    }
    // The crate drops a Same run whose joined text is empty only when splitting by characters.
    push('Same', sameAt, li);
    const remAt = li;
    while (li < l.length && !(ci < c.length && l[li] === c[ci])) li++;
    push('Rem', remAt, li);
    const addAt = ri;
    while (ri < r.length && !(ci < c.length && r[ri] === c[ci])) ri++;
    push('Add', addAt, ri);
  }
  return blocks;
}

/**
 * Oxen's context hunks over the blocks: each run of changes gets up to 3 lines of context before
 * (not repeating lines already shown after the previous run) and up to 2 after; runs after the first
 * are preceded by an Unchanged "..." separator, even when adjacent. No changes gives [].
 */
function buildHunks(blocks: DiffBlock[], old: TextLines, changed: TextLines): LineDiff[] {
  const out: LineDiff[] = [];
  const show = (modification: LineModification, side: TextLines, from: number, to: number) => {
    for (let i = from; i < to; i++) out.push({ modification, text: side.line(i) });
  };
  let shownAfterPrevious = 0;
  let hunks = 0;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    if (block.kind === 'Same') continue;
    const previous = blocks[b - 1];
    if (previous?.kind !== 'Rem' || block.kind !== 'Add') {
      // A new change run starts here.
      if (hunks > 0) out.push({ modification: 'Unchanged', text: '...' });
      hunks++;
      if (previous?.kind === 'Same') {
        const available = previous.length - (b - 1 === 0 ? 0 : shownAfterPrevious);
        const take = Math.max(0, Math.min(CONTEXT_BEFORE, available));
        const end = previous.at + previous.length;
        show('Unchanged', old, end - take, end);
      }
    }
    if (block.kind === 'Rem') show('Removed', old, block.at, block.at + block.length);
    else show('Added', changed, block.at, block.at + block.length);
    const next = blocks[b + 1];
    shownAfterPrevious = 0;
    if (next?.kind === 'Same') {
      shownAfterPrevious = Math.min(CONTEXT_AFTER, next.length);
      show('Unchanged', old, next.at, next.at + shownAfterPrevious);
    }
  }
  return out;
}

const NO_LINES = new Int32Array(0);

/** The `diff.lines` of oxen-server's text file diff between two UTF-8 texts (`Changeset::new(old, new, "\n")`). */
export function diffText(oldText: Uint8Array, newText: Uint8Array): LineDiff[] {
  const old = TextLines.split(oldText);
  const changed = TextLines.split(newText);
  idLines(old, changed);
  const common = commonLines(old.ids, changed.ids);
  // Like the crate, merge rebuilds the common side from its joined text, so a common sequence that
  // joins to "" (none, or one empty line) counts as zero lines; and an empty text has no lines there.
  const c = common.length === 1 && old.lineLength(common[0]!) === 0 ? NO_LINES : idsAt(old.ids, common);
  const blocks = mergeLines(
    oldText.length === 0 ? NO_LINES : old.ids,
    newText.length === 0 ? NO_LINES : changed.ids,
    c,
  );
  return buildHunks(blocks, old, changed);
}
