import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/engine/csv.js';
import { csvTableData } from '../../src/services/compute/csv-table.js';
import { tableJson } from '../../src/services/compute/table-json.js';
import { storedAs } from '../helpers/stored-table.js';

/** tableJson of the frame readCsv reads from `text`: what registering a CSV stored before. */
function viaFrame(text: string): string | { error: string } {
  const parsed = readCsv(text, { refuseDuplicateNames: true });
  if (!parsed.ok) return { error: parsed.error };
  const { columns } = parsed.frame;
  return tableJson(
    columns.map(({ name, dtype }) => ({ name, dtype })),
    columns.map((c) => c.values),
  );
}

/** What csvTableData stores for a CSV given as text or bytes, as text (or its error). */
function stored(csv: string | Uint8Array): string | { error: string } {
  const out = csvTableData(csv, { refuseDuplicateNames: true });
  return out.ok ? out.data.toString() : { error: out.error };
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

  it('is what reading the whole frame stored, for text and for bytes', () => {
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

  it('joins a text column of distinct values as reading the whole frame did, past the first 1,000', () => {
    const lines = ['id,name,kind,note'];
    for (let i = 0; i < 2500; i++)
      lines.push(`${i},item-${i},${['x', 'y'][i % 2]},${i < 1500 ? '' : `"n ${i % 3}, é"`}`);
    const text = lines.join('\n');
    const expected = viaFrame(text) as string;
    expect(storedAs(expected)).toEqual(['array', 'joined', 'array', 'array']);
    expect(stored(text)).toEqual(expected);
  });

  it('reads text with a lone surrogate and bytes that are not UTF-8 as before', () => {
    const text = 'id,name\n1,a\ud800b\n2,c\n';
    expect(stored(text)).toEqual(viaFrame(text));
    const bytes = Buffer.from([0x69, 0x64, 0x0a, 0x31, 0xff, 0x0a]);
    expect(stored(bytes)).toEqual(viaFrame(bytes.toString('utf8')));
  });

  it('reads malformed quotes as reading the whole frame did: text after a closing quote, a quote left open', () => {
    for (const text of ['id,name\n1,"ab"c\n2,"x"\n', 'id,name\n1,"a"\n2,"abc', 'id,name\n1,"a"\n2,"'])
      expect(stored(text)).toEqual(viaFrame(text));
  });

  it('refuses a repeated column name, and a text of white space only, as readCsv does', () => {
    expect(stored('a,b,a\n1,2,3\n')).toEqual({ error: "column with name 'a' has more than one occurrence" });
    expect(stored(' \n')).toEqual({ error: 'empty CSV' });
  });
});
