import { describe, expect, it } from 'vitest';
import { readLayout } from '../../src/engine/csv-bounds.js';
import { SNIFF_CHARS } from '../../src/engine/csv-scan.js';
import { INFER_ROWS, readCsv, sniffCsv } from '../../src/engine/csv.js';
import { schemaOf } from '../../src/engine/frame.js';
import { hashHex } from '../../src/engine/hash.js';
import { paginateEntries, paginateFrame } from '../../src/engine/paginate.js';

describe('readCsv dtype inference (polars-style)', () => {
  it.each<[string, string, string[], unknown[]]>([
    ['integers', 'a\n1\n-2\n', ['i64'], [1, -2]],
    ['floats win over integers', 'a\n1\n2.5\n', ['f64'], [1, 2.5]],
    ['booleans', 'a\ntrue\nFALSE\n', ['bool'], [true, false]],
    ['mixed is str', 'a\n1\nx\n', ['str'], ['1', 'x']],
    ['empty cell is null', 'a,b\n1,\n,x\n', ['i64', 'str'], [1, null]],
    ['all empty is str', 'a,b\n,1\n', ['str', 'i64'], [null]],
    ['BOM and CRLF', '\ufeffa,b\r\n1,2\r\n', ['i64', 'i64'], [1]],
    ['quoted newline', 'a,b\n"x\ny",2\n', ['str', 'i64'], ['x\ny']],
    ['ragged rows', 'a,b\n1\n2,3,4\n', ['i64', 'i64'], [1, 2]],
    ['tab delimited', 'a\tb\n1\t2\n', ['i64', 'i64'], [1]],
  ])('%s', (_name, text, dtypes, firstColumn) => {
    const res = readCsv(text);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.frame.columns.map((c) => c.dtype)).toEqual(dtypes);
    expect(res.frame.columns[0]!.values).toEqual(firstColumn);
  });

  it('refuses an empty file, and renames duplicate column names as polars does', () => {
    expect(readCsv('').ok).toBe(false);
    const res = readCsv('a,a,b,a\n1,2,3,4\n');
    expect(res.ok && res.frame.columns.map((c) => c.name)).toEqual([
      'a',
      'a_duplicated_0',
      'b',
      'a_duplicated_1',
    ]);
  });

  it('infers from the first 10,000 rows only; a later cell that does not fit is null', () => {
    // The 10,000th row makes column a a float column; the 10,001st is read with the dtypes made.
    const head = Array.from({ length: INFER_ROWS - 1 }, (_, i) => `${i},,${i % 2 === 0}`);
    const res = readCsv(['a,b,c', ...head, '2.5,,true', 'x,x,true', '-7,,maybe', ''].join('\n'));
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.frame.columns.map((c) => c.dtype)).toEqual(['f64', 'str', 'bool']);
    expect(res.frame.columns.map((c) => c.values.slice(INFER_ROWS - 1))).toEqual([
      [2.5, null, -7],
      [null, 'x', null],
      [true, true, null],
    ]);
  });

  it('reads every row, however many the start of the text foretells', () => {
    // Short rows, then long ones (the start foretells too many rows), long then short (too few), and
    // "\r" breaks (the start foretells none). Past INFER_ROWS rows each time.
    const row = (i: number, long: boolean) => `${i},${long ? 'x'.repeat(200) : 'y'}${i % 7}`;
    const cases: Array<[string, boolean[]]> = [
      ['\n', [...Array(6_000).fill(false), ...Array(9_000).fill(true)]],
      ['\r\n', [...Array(6_000).fill(true), ...Array(20_000).fill(false)]],
      ['\r', Array(12_000).fill(false)],
    ];
    for (const [newline, longs] of cases) {
      const rows = longs.map((long, i) => row(i, long));
      const res = readCsv(['a,b', ...rows].join(newline) + newline);
      expect(res.ok).toBe(true);
      if (!res.ok) continue;
      expect(res.frame.height).toBe(rows.length);
      const [a, b] = res.frame.columns;
      expect(a!.dtype).toBe('i64');
      expect(a!.values).toHaveLength(rows.length);
      expect(b!.values).toHaveLength(rows.length);
      expect(a!.values).toEqual(rows.map((_, i) => i));
      expect(b!.values).toEqual(rows.map((r) => r.slice(r.indexOf(',') + 1)));
    }
  });

  it('reads numbers as polars does, whatever their length or spelling', () => {
    const floats = readCsv('f\ninf\n-INF\n+Inf\nNaN\n1e3\n-0\n7\n');
    expect(floats.ok && floats.frame.columns[0]!.dtype).toBe('f64');
    expect(floats.ok && floats.frame.columns[0]!.values).toEqual([
      Infinity,
      -Infinity,
      Infinity,
      NaN,
      1000,
      -0,
      7,
    ]);
    const ints = readCsv('i\n-0\n007\n9223372036854775807\n-9223372036854775808\n1234567890123456\n');
    expect(ints.ok && ints.frame.columns[0]!.values).toEqual([
      -0,
      7,
      Number('9223372036854775807'),
      Number('-9223372036854775808'),
      1234567890123456,
    ]);
  });

  it('reads a header-only file as zero rows', () => {
    const res = readCsv('a,b\n');
    expect(res.ok && res.frame.height).toBe(0);
  });
});

describe('readLayout on files larger than the sniffed MiB', () => {
  /** readLayout's dialect and columns, held to readCsv's over the whole text. */
  function expectLayoutOfWholeText(text: string): void {
    expect(Buffer.byteLength(text)).toBeGreaterThan(SNIFF_CHARS);
    const whole = readCsv(text);
    const layout = readLayout(Buffer.from(text));
    expect(whole.ok && layout.ok).toBe(true);
    if (!whole.ok || !layout.ok) return;
    expect(layout.layout.columns).toEqual(whole.frame.columns.map(({ name, dtype }) => ({ name, dtype })));
    expect(layout.layout.dialect).toEqual({ delimiter: ';', newline: '\r\n' });
    // The row count is guessed from the head's mean row length: near the real one here.
    expect(Math.abs(layout.layout.rowsGuess - (whole.frame.height + 1))).toBeLessThan(
      whole.frame.height / 10,
    );
  }
  /** `rows` rows of a;b;c after a header, CRLF; row `r` (1-based) is `row(r)`, or plain numbers. */
  const csv = (rows: number, row: (r: number) => string | undefined, pad = '') =>
    [
      'a;b;c',
      ...Array.from(
        { length: rows },
        (_, i) => row(i + 1) ?? `${String(i).padStart(6, '0')};${i}${pad};${i % 2}`,
      ),
      '',
    ].join('\r\n');

  it('reads the head from the sniffed text when it holds the 10,000 rows; the row after does not count', () => {
    expectLayoutOfWholeText(
      csv(80_000, (r) => (r === INFER_ROWS ? '2.5;x;1' : r === INFER_ROWS + 1 ? 'x;1;y' : undefined)),
    );
  });

  it('reads a head of one-byte line breaks to its 10,000th row, blank lines not counted', () => {
    // HeadScan.scanPlain's dialect: row 10,000 makes column a decimal and column c text; the row
    // after would make column b text. Blank lines are no rows.
    const text = csv(80_000, (r) =>
      r === INFER_ROWS ? '2.5;1;x' : r === INFER_ROWS + 1 ? 'x;y;1' : r === 500 ? '\r\n\r\n1;2;3' : undefined,
    ).replaceAll('\r\n', '\n');
    const layout = readLayout(Buffer.from(text));
    expect(layout.ok && layout.layout.columns.map((c) => c.dtype)).toEqual(['f64', 'i64', 'str']);
    expect(layout.ok && layout.layout.dialect).toEqual({ delimiter: ';', newline: '\n' });
    const whole = readCsv(text);
    expect(whole.ok && whole.frame.columns.map((c) => c.dtype)).toEqual(['f64', 'i64', 'str']);
  });

  it('counts no blank line as a row of a one-column head', () => {
    // Row 10,000, after 300 blank lines, makes the column text.
    const rows = Array.from({ length: INFER_ROWS + 5 }, (_, i) => (i === INFER_ROWS - 1 ? 'x' : String(i)));
    const text = ['a', ...rows.slice(0, 100), ...Array<string>(300).fill(''), ...rows.slice(100), ''].join(
      '\n',
    );
    const layout = readLayout(Buffer.from(text));
    expect(layout.ok && layout.layout.columns).toEqual([{ name: 'a', dtype: 'str' }]);
    const whole = readCsv(text);
    expect(whole.ok && whole.frame.columns[0]!.dtype).toBe('str');
  });

  it('types a head whose 64 columns change their guesses at rows spread over it as readCsv does', () => {
    // HeadScan.skipSteadyRows waits longer and longer between tries while the guesses keep changing,
    // the loop reading the rows between.
    const width = 64;
    // Column c: empty in its first c rows, then a decimal, a text and a boolean at rows of its own.
    const cell = (r: number, c: number) => {
      if (r === 100 + c * 3) return '2.5';
      if (r === 1_000 + c * 7) return 'x';
      if (r === 3_000 + c * 5) return 'true';
      return r < c ? '' : String(r);
    };
    const rows = Array.from({ length: INFER_ROWS + 5 }, (_, r) =>
      Array.from({ length: width }, (_, c) => cell(r, c)).join(','),
    );
    const text = [Array.from({ length: width }, (_, c) => `c${c}`).join(','), ...rows, ''].join('\n');
    const layout = readLayout(Buffer.from(text));
    const whole = readCsv(text);
    expect(whole.ok && layout.ok).toBe(true);
    if (!whole.ok || !layout.ok) return;
    expect(layout.layout.columns).toEqual(whole.frame.columns.map(({ name, dtype }) => ({ name, dtype })));
    expect(new Set(layout.layout.columns.map((c) => c.dtype))).toEqual(new Set(['str']));
  });

  it('reads a head of one-byte line breaks longer than a MiB to its 10,000th row', () => {
    // HeadScan.skipSteadyRows decodes the head 256 KiB at a time: a quoted cell of line breaks
    // longer than that spans a piece's end, blank lines are no rows, row 10,000 makes
    // column a decimal and the row after it would make column c text.
    const pad = 'y'.repeat(120);
    const rows = Array.from({ length: INFER_ROWS + 5 }, (_, i) =>
      i === INFER_ROWS - 1 ? `2.5;${pad};1` : i === INFER_ROWS ? `1;${pad};x` : `${i};${pad};${i % 2}`,
    );
    rows[3_000] = `3000;"${'line\n'.repeat(60_000)}";0`;
    for (let i = 1_000; i < INFER_ROWS; i += 1_000) rows[i] = `\n${rows[i]}`;
    const text = ['a;b;c', ...rows, ''].join('\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(SNIFF_CHARS);
    const layout = readLayout(Buffer.from(text));
    expect(layout.ok && layout.layout.columns.map((c) => c.dtype)).toEqual(['f64', 'str', 'i64']);
    const whole = readCsv(text);
    expect(whole.ok && whole.frame.columns.map((c) => c.dtype)).toEqual(['f64', 'str', 'i64']);
  });

  it('scans for the head when its rows run past the sniffed text', () => {
    const pad = 'é'.repeat(60);
    expectLayoutOfWholeText(csv(12_000, (r) => (r === INFER_ROWS ? `2.5;x${pad};1` : undefined), pad));
  });

  it('does not take a 10,000th row that the sniffed text cuts', () => {
    // Row 10,000 spans the end of the first MiB: whole, its last cell makes c a text column; cut, it
    // has no c, and c stays an integer column. Blank lines after the header make the first MiB hold
    // more than 10,000 line breaks all the same.
    const blanks = '\r\n'.repeat(5);
    const before = blanks + csv(INFER_ROWS - 1, () => undefined);
    const fill = SNIFF_CHARS - before.length;
    const text = csv(INFER_ROWS + 5, (r) => (r === INFER_ROWS ? `1;${'y'.repeat(fill)};1x` : undefined));
    const withBlanks = text.replace('\r\n', `\r\n${blanks}`);
    expect(withBlanks.indexOf(';1x')).toBeGreaterThan(SNIFF_CHARS);
    expectLayoutOfWholeText(withBlanks);
  });

  it('does not take the sniffed text for the head when blank lines fill it', () => {
    // 6,000 rows, then a MiB of blank lines, then the rest of the head: row 9,000 makes a a text column.
    const rows = csv(INFER_ROWS + 10, (r) => (r === 9_000 ? 'x;0;0' : undefined)).split('\r\n');
    // The first MiB ends after a whole blank line ("\r\n"), not between its "\r" and "\n".
    if (rows.slice(0, 6_001).join('\r\n').length % 2 === 1) rows[1] = `0${rows[1]}`;
    const blanks = Array<string>(SNIFF_CHARS / 2).fill('');
    expectLayoutOfWholeText([...rows.slice(0, 6_001), ...blanks, ...rows.slice(6_001)].join('\r\n'));
  });

  it("tells the dialect from the file's first 64 KiB only when they settle it", () => {
    // A quoted header cell of "\n"s, closed past 64 KiB: the piece cannot tell that its "\n"s are
    // quoted, and the whole text's line break is "\r\n". Then a file whose first line break is
    // "\n" and whose later ones are "\r\n": papaparse takes the first.
    const quoted = `a,"${'x\n'.repeat(40_000)}"\r\n${'1,2\r\n'.repeat(100)}`;
    const mixed = `a;b\n${'1;2\r\n'.repeat(20_000)}`;
    for (const [text, newline, delimiter] of [
      [quoted, '\r\n', ','],
      [mixed, '\n', ';'],
    ] as const) {
      expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 16);
      const layout = readLayout(Buffer.from(text));
      expect(layout.ok && layout.layout.dialect).toEqual({ delimiter, newline });
      expect(sniffCsv(text, {})).toEqual({ delimiter, newline });
    }
  });

  it('reads past a first MiB of blank lines', () => {
    // (papaparse guesses no delimiter from blank lines and takes ",".)
    const text = `${'\r\n'.repeat(SNIFF_CHARS)}a,b,c\r\n1,2,x\r\n`;
    const layout = readLayout(Buffer.from(text));
    expect(layout.ok && layout.layout.columns.map((c) => c.dtype)).toEqual(['i64', 'i64', 'str']);
  });
});

describe('hashes', () => {
  it('hashes a schema as xxh3-128 of name+dtype, unpadded hex', () => {
    const schema = schemaOf([
      { name: 'a', dtype: 'i64' },
      { name: 'b', dtype: 'str' },
    ]);
    expect(schema.hash).toBe(hashHex('ai64bstr'));
    expect(schema.hash).toMatch(/^[1-9a-f][0-9a-f]*$/);
    expect(schemaOf([]).hash).toBe(hashHex(''));
  });
});

describe('paging', () => {
  it.each([
    [10, 1, 3, { start: 0, end: 3, page_size: 3, page_number: 1, total_pages: 4, total_entries: 10 }],
    [10, 4, 3, { start: 9, end: 10, page_size: 3, page_number: 4, total_pages: 4, total_entries: 10 }],
    [10, 5, 3, { start: 0, end: 0, page_size: 0, page_number: 5, total_pages: 4, total_entries: 10 }],
    [0, 1, 100, { start: 0, end: 0, page_size: 0, page_number: 1, total_pages: 0, total_entries: 0 }],
    [10, 0, 3, { start: 0, end: 3, page_size: 3, page_number: 0, total_pages: 4, total_entries: 10 }],
  ])('entries: %i entries, page %i of size %i', (total, page, size, expected) => {
    expect(paginateEntries(total, page, size)).toEqual(expected);
  });

  it.each([
    [5, 1, 2, 0, 2, { page_size: 2, page_number: 1, total_pages: 3, total_entries: 5 }],
    [5, 9, 2, 5, 5, { page_size: 2, page_number: 9, total_pages: 3, total_entries: 5 }],
    [5, 0, 0, 0, 1, { page_size: 1, page_number: 1, total_pages: 5, total_entries: 5 }],
  ])('frames: height %i, page %i of size %i', (height, page, size, start, end, pagination) => {
    expect(paginateFrame(height, page, size)).toEqual({ start, end, pagination });
  });
});
