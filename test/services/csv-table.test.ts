import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/engine/csv.js';
import type { Dataset } from '../../src/engine/datadiff.js';
import { csvTableData } from '../../src/services/compute/csv-table.js';
import { readTableBytes } from '../../src/services/compute/table-bytes.js';
import { cellsOf, storedAs } from '../helpers/stored-table.js';

type Table = Omit<Dataset, 'values'> & { values: unknown[][] };

/**
 * The frame readCsv reads from `text`, as a stored table holds it: NaN and the infinities as null
 * (table-bytes.ts).
 */
function viaFrame(text: string): Table | { error: string } {
  const parsed = readCsv(text, { refuseDuplicateNames: true });
  if (!parsed.ok) return { error: parsed.error };
  const { columns, height } = parsed.frame;
  return {
    columns: columns.map(({ name, dtype }) => ({ name, dtype })),
    values: columns.map((c) =>
      c.values.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
    ),
    height,
  };
}

/** What csvTableData stores for a CSV given as text or bytes, read back as cells (or its error). */
function stored(csv: string | Uint8Array): Table | { error: string } {
  const out = csvTableData(csv, { refuseDuplicateNames: true });
  if (!out.ok) return { error: out.error };
  const { columns, values, height } = readTableBytes(out.data);
  return { columns, values: values.map((c) => cellsOf(c, height)), height };
}

describe('a CSV stored from its bytes', () => {
  // Cells of every kind the bytes are read as: numbers written as String() writes them or not,
  // booleans, text plain or quoted, with quotes, escapes, control characters and characters outside
  // ASCII, and empty cells.
  const cell = fc.oneof(
    fc.constantFrom(
      '',
      '7',
      '-0',
      '007',
      '1.50',
      '2.5',
      '1e3',
      'inf',
      'nan',
      'true',
      'FALSE',
      '12345678901234567',
    ),
    fc.stringMatching(/^[a-z0-9 .é€\\/-]{0,6}$/),
    fc
      .stringMatching(/^[a-z,;\t"\n\r\\ ü^]{0,6}$/)
      // ^ stands for a control character, which JSON escapes.
      .map((v) => `"${v.replace(/"/g, '""').replace(/\^/g, '\u0001')}"`),
  );
  const table = fc.integer({ min: 1, max: 4 }).chain((width) =>
    fc.record({
      names: fc.array(fc.constantFrom('a', 'b', 'c', 'a b', 'é'), { minLength: width, maxLength: width }),
      rows: fc.array(fc.array(cell, { minLength: 0, maxLength: width + 1 }), { maxLength: 30 }),
      newline: fc.constantFrom('\n', '\r\n'),
      bom: fc.boolean(),
    }),
  );

  it('reads back as the frame readCsv reads, for text and for bytes', () => {
    fc.assert(
      fc.property(table, ({ names, rows, newline, bom }) => {
        const text = (bom ? '\ufeff' : '') + [names, ...rows].map((r) => r.join(',')).join(newline) + newline;
        const expected = viaFrame(text);
        expect(stored(text)).toEqual(expected);
        expect(stored(Buffer.from(text))).toEqual(expected);
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });

  it('keeps a text column of distinct values as bytes, one of repeats as words, and reads past the first 1,000', () => {
    const lines = ['id,name,kind,note'];
    for (let i = 0; i < 2500; i++)
      lines.push(`${i},item-${i},${['x', 'y'][i % 2]},${i < 1500 ? '' : `"n ${i % 3}, é"`}`);
    const text = lines.join('\n');
    const data = csvTableData(text, { refuseDuplicateNames: true });
    expect(data.ok && storedAs(data.data)).toEqual(['number', 'text', 'words', 'words']);
    expect(stored(text)).toEqual(viaFrame(text));
  });

  it('reads text with a lone surrogate and bytes that are not UTF-8 as before', () => {
    const text = 'id,name\n1,a\ud800b\n2,c\n';
    expect(stored(text)).toEqual(viaFrame(text));
    const bytes = Buffer.from([0x69, 0x64, 0x0a, 0x31, 0xff, 0x0a]);
    expect(stored(bytes)).toEqual(viaFrame(bytes.toString('utf8')));
  });

  it('reads malformed quotes as readCsv does: text after a closing quote, a quote left open', () => {
    for (const text of ['id,name\n1,"ab"c\n2,"x"\n', 'id,name\n1,"a"\n2,"abc', 'id,name\n1,"a"\n2,"'])
      expect(stored(text)).toEqual(viaFrame(text));
  });

  it('refuses a repeated column name, and a text of white space only, as readCsv does', () => {
    expect(stored('a,b,a\n1,2,3\n')).toEqual({ error: "column with name 'a' has more than one occurrence" });
    expect(stored(' \n')).toEqual({ error: 'empty CSV' });
  });
});
