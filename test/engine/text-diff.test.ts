import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commonLines,
  lcsLinear,
  diffText,
  EXACT_TABLE_LIMIT,
  type LineDiff,
} from '../../src/engine/text-diff.js';

const U = (text: string): LineDiff => ({ modification: 'Unchanged', text });
const A = (text: string): LineDiff => ({ modification: 'Added', text });
const R = (text: string): LineDiff => ({ modification: 'Removed', text });
const lines = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const diffOf = (before: string, after: string) => diffText(Buffer.from(before), Buffer.from(after));

describe('diffText (oxen-server 0.50.0 hunks)', () => {
  it.each<[string, string, string, LineDiff[]]>([
    [
      'reference example from L/repositories/diffs.rs',
      'hello\nhi\nhow are you?',
      'hello\nhi\nhow are you doing?',
      [U('hello'), U('hi'), R('how are you?'), A('how are you doing?')],
    ],
    ['trailing newline yields a final empty line', 'a\nb\n', 'a\nc\n', [U('a'), R('b'), A('c'), U('')]],
    ['no changes gives no lines', 'same\ntext\n', 'same\ntext\n', []],
    ['added file: every line Added', '', 'x\ny\n', [A('x'), A('y'), A('')]],
    ['removed file: every line Removed', 'x\ny', '', [R('x'), R('y')]],
    [
      'context is 3 before and 2 after',
      lines(10).join('\n'),
      lines(10)
        .map((l) => (l === 'l6' ? 'six' : l))
        .join('\n'),
      [U('l3'), U('l4'), U('l5'), R('l6'), A('six'), U('l7'), U('l8')],
    ],
    [
      'separate hunks get a "..." separator and do not repeat context',
      lines(12).join('\n'),
      lines(12)
        .map((l) => (l === 'l2' ? 'two' : l === 'l9' ? 'nine' : l))
        .join('\n'),
      [
        U('l1'),
        R('l2'),
        A('two'),
        U('l3'),
        U('l4'),
        U('...'),
        U('l6'),
        U('l7'),
        U('l8'),
        R('l9'),
        A('nine'),
        U('l10'),
        U('l11'),
      ],
    ],
    [
      'close hunks: pre-context skips lines already shown after the previous hunk',
      lines(6).join('\n'),
      lines(6)
        .map((l) => (l === 'l1' ? 'one' : l === 'l5' ? 'five' : l))
        .join('\n'),
      [R('l1'), A('one'), U('l2'), U('l3'), U('...'), U('l4'), R('l5'), A('five'), U('l6')],
    ],
  ])('%s', (_name, before, after, expected) => {
    expect(diffOf(before, after)).toEqual(expected);
  });

  it('emits Removed before Added within one gap and never Modified', () => {
    const out = diffOf('a\nb\nc', 'a\nx\ny\nc');
    expect(out).toEqual([U('a'), R('b'), A('x'), A('y'), U('c')]);
    expect(out.some((l) => (l.modification as string) === 'Modified')).toBe(false);
  });

  it('pairs lines like the difference crate (backtracking prefers the old side on ties)', () => {
    // LCS of [a,b] and [b,a] has length 1; the crate's tie rule keeps "a" as the common line.
    expect(diffOf('a\nb', 'b\na')).toEqual([A('b'), U('a'), U('...'), R('b')]);
  });

  it('uses the linear-space diff above the table limit and still finds every change', () => {
    const n = Math.ceil(Math.sqrt(EXACT_TABLE_LIMIT)) + 10;
    const before = lines(n);
    const after = before.map((l, i) => (i % 1000 === 500 ? `${l}-changed` : l));
    const out = diffOf(before.join('\n'), after.join('\n'));
    const changed = after.filter((_, i) => i % 1000 === 500);
    expect(out.filter((l) => l.modification === 'Added').map((l) => l.text)).toEqual(changed);
    expect(out.filter((l) => l.modification === 'Removed')).toHaveLength(changed.length);
  });

  it('finds, in linear space, a common subsequence as long as the exact table finds', () => {
    // Ids as idLines gives them: a's numbered as first seen, -1 for a line of b that a lacks.
    const isSubsequence = (sub: ArrayLike<number>, of: Int32Array) => {
      let at = 0;
      for (const id of of) if (at < sub.length && sub[at] === id) at++;
      return at === sub.length;
    };
    const side = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 30 });
    fc.assert(
      fc.property(side, side, (linesA, linesB) => {
        const firstSeen = [...new Set(linesA)];
        const a = Int32Array.from(linesA, (line) => firstSeen.indexOf(line));
        const b = Int32Array.from(linesB, (line) => firstSeen.indexOf(line));
        const linear = lcsLinear(a, b);
        expect(linear.every((at, x) => x === 0 || at > linear[x - 1]!)).toBe(true);
        expect(
          isSubsequence(
            linear.map((at) => a[at]!),
            b,
          ),
        ).toBe(true);
        expect(linear).toHaveLength(commonLines(a, b).length);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) * 20, seed: Number(process.env.FUZZ_SEED ?? 20261121) },
    );
  });
});

describe('the difference crate quirk', () => {
  it('loses a common sequence that joins to "" (only an empty last line in common)', () => {
    expect(diffOf('a\n', 'b\n')).toEqual([R('a'), R(''), A('b'), A('')]);
  });
});
