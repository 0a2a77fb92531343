// Text diff exactly as oxen-server 0.50.0 answers it (reference §5.1): line changes from the
// `difference` crate 2.0.0 (`lcs` + `merge`), then Oxen's context hunks. The pairing of removed and
// added lines follows that crate's dynamic-programming table and greedy merge, so this file ports both.
import { diff as myersDiff } from 'fast-myers-diff';

export type LineModification = 'Added' | 'Removed' | 'Unchanged';
export interface LineDiff {
  modification: LineModification;
  text: string;
}
/** A run of lines: Same (in both), Rem (only in old), Add (only in new). */
export interface DiffBlock {
  kind: 'Same' | 'Rem' | 'Add';
  lines: string[];
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

/** Splits like Rust's `str::split("\n")`: no trimming, a trailing newline yields a final "". */
export function splitLines(text: string): string[] {
  return text.split('\n');
}

/** The `difference` crate's `lcs`: DP table, then backtracking from the end with its tie rule. */
function lcsExact(a: string[], b: string[]): string[] {
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
  const common: string[] = [];
  let i = n - 1;
  let j = m - 1;
  while (i >= 0 && j >= 0) {
    if (a[i] === b[j]) {
      common.push(a[i]!);
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
 * A longest common subsequence in linear space. Lines are mapped to integer ids and lines that occur
 * on one side only are dropped first (they can never be common), which keeps Myers fast on unrelated files.
 */
export function lcsLinear(a: string[], b: string[]): string[] {
  const ids = new Map<string, number>();
  const idsA = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    let id = ids.get(a[i]!);
    if (id === undefined) ids.set(a[i]!, (id = ids.size));
    idsA[i] = id;
  }
  // Every id is a line of a; which of them b has too.
  const inB = new Uint8Array(ids.size);
  const idsB = new Int32Array(b.length);
  for (let j = 0; j < b.length; j++) {
    const id = ids.get(b[j]!) ?? -1;
    idsB[j] = id;
    if (id >= 0) inB[id] = 1;
  }
  // The lines of a that b has, by their index in a, and their ids; and b's lines that a has.
  const keptAt = new Int32Array(a.length);
  let kept = 0;
  for (let i = 0; i < a.length; i++) if (inB[idsA[i]!] === 1) keptAt[kept++] = i;
  const keptA = new Int32Array(kept);
  for (let x = 0; x < kept; x++) keptA[x] = idsA[keptAt[x]!]!;
  const keptB = idsB.filter((id) => id >= 0);
  const common: string[] = [];
  let x = 0;
  for (const [sx, ex] of myersDiff(keptA, keptB)) {
    for (; x < sx; x++) common.push(a[keptAt[x]!]!);
    x = ex;
  }
  for (; x < kept; x++) common.push(a[keptAt[x]!]!);
  return common;
}

/** The common subsequence the `difference` crate would find (exactly, up to EXACT_TABLE_LIMIT cells). */
export function commonLines(a: string[], b: string[]): string[] {
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
  const headA = a.slice(0, a.length - suffix);
  const headB = b.slice(0, b.length - suffix);
  const head =
    headA.length * headB.length <= EXACT_TABLE_LIMIT ? lcsExact(headA, headB) : lcsLinear(headA, headB);
  return head.concat(a.slice(a.length - suffix));
}

/**
 * The `difference` crate's `merge`: greedy walk of old, new and common lines into Same/Rem/Add runs,
 * Rem before Add within a gap. Like the crate, it rebuilds the common side from its joined text, so a
 * common sequence that joins to "" (none, or one empty line) counts as zero lines.
 */
export function mergeBlocks(oldText: string, newText: string, common: string[]): DiffBlock[] {
  return mergeLines(
    oldText === '' ? [] : splitLines(oldText),
    newText === '' ? [] : splitLines(newText),
    common,
  );
}

/** `mergeBlocks` over texts already split into lines. */
function mergeLines(l: string[], r: string[], common: string[]): DiffBlock[] {
  const c = common.join('\n') === '' ? [] : common;
  let li = 0;
  let ri = 0;
  let ci = 0;
  const blocks: DiffBlock[] = [];
  while (li < l.length || ri < r.length) {
    const same: string[] = [];
    while (li < l.length && ci < c.length && l[li] === c[ci] && ri < r.length && r[ri] === c[ci]) {
      same.push(l[li]!);
      li++;
      ri++;
      ci++;
    }
    // The crate drops a Same run whose joined text is empty only when splitting by characters.
    if (same.length > 0) blocks.push({ kind: 'Same', lines: same });
    const rem: string[] = [];
    while (li < l.length && !(ci < c.length && l[li] === c[ci])) rem.push(l[li++]!);
    if (rem.length > 0) blocks.push({ kind: 'Rem', lines: rem });
    const add: string[] = [];
    while (ri < r.length && !(ci < c.length && r[ri] === c[ci])) add.push(r[ri++]!);
    if (add.length > 0) blocks.push({ kind: 'Add', lines: add });
  }
  return blocks;
}

/** `Changeset::new(old, new, "\n")`: the line blocks between two texts. */
export function diffBlocks(oldText: string, newText: string): DiffBlock[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  return mergeLines(oldText === '' ? [] : a, newText === '' ? [] : b, commonLines(a, b));
}

/**
 * Oxen's context hunks over the blocks: each run of changes gets up to 3 lines of context before
 * (not repeating lines already shown after the previous run) and up to 2 after; runs after the first
 * are preceded by an Unchanged "..." separator, even when adjacent. No changes gives [].
 */
export function buildHunks(blocks: DiffBlock[]): LineDiff[] {
  const out: LineDiff[] = [];
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
        const available = previous.lines.length - (b - 1 === 0 ? 0 : shownAfterPrevious);
        const take = Math.max(0, Math.min(CONTEXT_BEFORE, available));
        for (const text of previous.lines.slice(previous.lines.length - take)) {
          out.push({ modification: 'Unchanged', text });
        }
      }
    }
    const modification: LineModification = block.kind === 'Rem' ? 'Removed' : 'Added';
    for (const text of block.lines) out.push({ modification, text });
    const next = blocks[b + 1];
    shownAfterPrevious = 0;
    if (next?.kind === 'Same') {
      const after = next.lines.slice(0, CONTEXT_AFTER);
      for (const text of after) out.push({ modification: 'Unchanged', text });
      shownAfterPrevious = after.length;
    }
  }
  return out;
}

/** The `diff.lines` of oxen-server's text file diff. */
export function diffText(oldText: string, newText: string): LineDiff[] {
  return buildHunks(diffBlocks(oldText, newText));
}
