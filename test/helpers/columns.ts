// Typed columns (src/engine/data-column.ts) made by hand from their values, for the engine's tests.
import type { BoolColumn, NumberColumn, TextColumn, WordsColumn } from '../../src/engine/data-column.js';

const nullMarks = (values: unknown[]) => Uint8Array.from(values, (v) => (v === null ? 1 : 0));

export const numberColumn = (values: Array<number | null>): NumberColumn => ({
  kind: 'number',
  values: Float64Array.from(values, (v) => v ?? 0),
  nulls: nullMarks(values),
});

export const boolColumn = (values: Array<boolean | null>): BoolColumn => ({
  kind: 'bool',
  values: Uint8Array.from(values, (v) => (v === null ? 2 : v ? 1 : 0)),
});

export function textColumn(values: Array<string | null>): TextColumn {
  const parts = values.map((v) => Buffer.from(v ?? ''));
  const offsets = new Uint32Array(values.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
  return { kind: 'text', bytes: Buffer.concat(parts), offsets, nulls: nullMarks(values) };
}

export function wordsColumn(values: Array<string | null>): WordsColumn {
  const words = [...new Set(values.filter((v) => v !== null))];
  return {
    kind: 'words',
    words,
    codes: Uint8Array.from(values, (v) => (v === null ? 0 : words.indexOf(v) + 1)),
  };
}
