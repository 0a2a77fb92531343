import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idLines, TextLines } from '../../src/engine/line-ids.js';
import { collidingLines, fnv, FNV_OFFSET } from '../helpers/collisions.js';

/** Line ids the plain way: a's lines numbered as first seen, b's by a's number or -1. */
function plainIds(before: string, after: string): [number[], number[]] {
  const firstSeen = [...new Set(before.split('\n'))];
  return [before, after].map((text) => text.split('\n').map((line) => firstSeen.indexOf(line))) as [
    number[],
    number[],
  ];
}

function ids(before: string, after: string): { how: string; a: number[]; b: number[] } {
  const a = TextLines.split(Buffer.from(before));
  const b = TextLines.split(Buffer.from(after));
  const how = idLines(a, b);
  return { how, a: [...a.ids], b: [...b.ids] };
}

describe('TextLines.split', () => {
  it.each<[string, string[]]>([
    ['', ['']],
    ['a', ['a']],
    ['a\nb\n', ['a', 'b', '']],
    ['\n\n', ['', '', '']],
    ['é\r\nü', ['é\r', 'ü']],
  ])('splits %j like str::split("\\n")', (text, expected) => {
    const lines = TextLines.split(Buffer.from(text));
    expect(Array.from({ length: lines.count }, (_, i) => lines.line(i))).toEqual(expected);
  });

  it('gives the same lines whether it decodes them one by one or the whole text at once', () => {
    const text = Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? '' : `ligne ${i} é`)).join('\n');
    const lines = TextLines.split(Buffer.from(text));
    // An eighth of the lines are decoded one by one, the rest from the whole text.
    const read = [5, 50, 99, 0, ...Array.from({ length: 100 }, (_, i) => i)].map((i) => lines.line(i));
    expect(read).toEqual(
      [5, 50, 99, 0, ...Array.from({ length: 100 }, (_, i) => i)].map((i) => text.split('\n')[i]),
    );
  });
});

describe('idLines', () => {
  it('gives equal lines equal ids, and b lines that a lacks -1', () => {
    const line = fc.constantFrom('a', 'b', '', 'é', 'a\r', 'long line '.repeat(5));
    const text = fc.array(line, { maxLength: 40 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const [a, b] = plainIds(before, after);
        expect(ids(before, after)).toEqual({ how: 'table', a, b });
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) * 20, seed: Number(process.env.FUZZ_SEED ?? 20261121) },
    );
  });

  it('falls back to a Map, with the same ids, when lines are made to collide', () => {
    // 64 lines whose every probe compares bytes: past the table's budget of 8 steps a line and byte.
    const lines = collidingLines(6);
    expect(new Set(lines.map((line) => fnv(FNV_OFFSET, line))).size).toBe(1);
    expect(new Set(lines).size).toBe(64);
    const before = lines.join('\n');
    const after = [...lines.slice(0, 32).reverse(), 'new'].join('\n');
    const [a, b] = plainIds(before, after);
    expect(ids(before, after)).toEqual({ how: 'map', a, b });
  });

  it('keeps the table when only a few lines collide', () => {
    const lines = collidingLines(2);
    const before = [...lines, ...lines].join('\n');
    const [a, b] = plainIds(before, lines.join('\n'));
    expect(ids(before, lines.join('\n'))).toEqual({ how: 'table', a, b });
  });
});
