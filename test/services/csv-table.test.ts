import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvOptions } from '../../src/engine/csv.js';
import type { WordsColumn } from '../../src/engine/data-column.js';
import type { Dataset } from '../../src/engine/datadiff.js';
import { csvTableSteps, STEP_BYTES } from '../../src/services/compute/csv-table.js';
import { readTableBytes } from '../../src/services/compute/table-bytes.js';
import { cellsOf, csvTableData, storedAs } from '../helpers/stored-table.js';

type Table = Omit<Dataset, 'values'> & { values: unknown[][] };

/**
 * The frame readCsv reads from `text`, as a stored table holds it: NaN and the infinities as null
 * (table-bytes.ts).
 */
function viaFrame(text: string, options: CsvOptions = {}): Table | { error: string } {
  const parsed = readCsv(text, { refuseDuplicateNames: true, ...options });
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
function stored(csv: string | Uint8Array, options: CsvOptions = {}): Table | { error: string } {
  const out = csvTableData(csv, { refuseDuplicateNames: true, ...options });
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
      '-',
      '.5',
      '1.',
      '+1',
      ' 1',
      'a"b',
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

  it('reads the cells of typed columns after the typed head as readCsv does, whatever they hold', () => {
    // The first 10,000 rows type the columns (INFER_ROWS): integers, decimals, booleans, text. The
    // rows after them hold cells of every shape, which the reader reads from the bytes when it can.
    const head = Array.from({ length: 10_000 }, (_, k) => `${k - 5000},${k / 4},${k % 3 === 0},w${k % 7}`);
    const cell = fc.constantFrom(
      '',
      '0',
      '-0',
      '7',
      '-12',
      '007',
      '2147483647',
      '2147483648',
      '-2147483649',
      '123456789012345',
      '1234567890123456',
      '12345678901234567890',
      '1.5',
      '-.5',
      '1.',
      '.',
      '-',
      '+1',
      ' 1',
      '1 ',
      '1e3',
      '0.1',
      '-0.0',
      '12345678901234.5',
      '1.2.3',
      'inf',
      '-INF',
      'nan',
      'true',
      'False',
      'TRUE ',
      'falsey',
      'Truer',
      'x',
      '"12"',
      '"1.5"',
      '"true"',
      '""',
      '"a,b"',
      '"a""b"',
      'a"b',
      '"x"y',
      'é',
      '0.9999999999999999',
      '.1234567890123456',
      'a\rb',
      '1\r',
    );
    const tail = fc.record({
      rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
      newline: fc.constantFrom('\n', '\r\n', '\r'),
    });
    fc.assert(
      fc.property(tail, ({ rows, newline }) => {
        const text = ['i,f,b,t', ...head, ...rows.map((r) => r.join(','))].join(newline);
        const expected = viaFrame(text);
        expect('columns' in expected && expected.columns.map((c) => c.dtype)).toEqual([
          'i64',
          'f64',
          'bool',
          'str',
        ]);
        expect(stored(Buffer.from(text))).toEqual(expected);
      }),
      { numRuns: 60, seed: 20261207 },
    );
  });

  it('reads a delimiter of two characters, short and long rows and quoted fields among them', () => {
    const text = 'a::b::c\n1::x::2.5\n2::"y::z"\n\n3::"w"::1::extra::"e::f"\n4\n';
    expect(stored(text, { delimiter: '::' })).toEqual(viaFrame(text, { delimiter: '::' }));
    expect(stored(text, { delimiter: '::' })).toMatchObject({ height: 4 });
  });

  it('keeps integers in 32 bits and others as doubles when the file has more rows than its head suggests', () => {
    // Long rows first, then short ones: the columns outgrow the rows guessed from the head.
    const lines = ['id,amount,note'];
    for (let i = 0; i < 12_000; i++)
      lines.push(`${i},${i % 2 ? i + 0.5 : i},${i < 100 ? 'x'.repeat(500) : ''}`);
    const text = lines.join('\n');
    const out = csvTableData(text, { refuseDuplicateNames: true });
    if (!out.ok) throw new Error(out.error);
    const [ids, amounts] = readTableBytes(out.data).values;
    expect(ids).toMatchObject({ kind: 'number', values: expect.any(Int32Array) });
    expect(amounts).toMatchObject({ kind: 'number', values: expect.any(Float64Array) });
    expect(stored(text)).toEqual(viaFrame(text));
  });

  it('copies long text, and finds each word once, quoted or not, past the table that first held them', () => {
    // Text of up to 150 bytes, distinct; words repeated (300 in the first 1,000 rows, which tell
    // the column's kind), some quoted, and more of them in all (700) than the ids' first table holds (512).
    const lines = ['id,long,word'];
    for (let i = 0; i < 3000; i++) {
      const word = `w${i < 1000 ? i % 300 : (i * 3) % 700}`;
      lines.push(`${i},long-${i}-${'y'.repeat(i % 150)},${i % 3 ? word : `"${word}"`}`);
    }
    const text = lines.join('\n');
    const out = csvTableData(text, { refuseDuplicateNames: true });
    if (!out.ok) throw new Error(out.error);
    expect(storedAs(out.data)).toEqual(['number', 'text', 'words']);
    const words = (readTableBytes(out.data).values[2] as WordsColumn).words;
    expect(new Set(words).size).toBe(700);
    expect(words).toHaveLength(700);
    expect(stored(text)).toEqual(viaFrame(text));
  });

  it('reads a large table in steps of STEP_BYTES, to the same bytes as at once', () => {
    const lines = ['id,name'];
    let size = 0;
    for (let i = 0; size < 2.5 * STEP_BYTES; i++) {
      lines.push(`${i},name-${i}`);
      size += lines[lines.length - 1]!.length + 1;
    }
    const text = lines.join('\n');
    const steps = csvTableSteps(text, { refuseDuplicateNames: true });
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    // After the text is made bytes, after the head is read, then after each of three slices of rows.
    expect(yields).toBe(2 + 3);
    const whole = csvTableData(text, { refuseDuplicateNames: true });
    expect(step.value.ok && whole.ok && Buffer.concat(step.value.chunks).equals(whole.data)).toBe(true);
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
