import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fieldText, readLayout, scanBounds } from '../../src/engine/csv-bounds.js';
import { guessLineBreak, scanRows, sniffDialect, sniffPiece } from '../../src/engine/csv-scan.js';
import {
  cellBytes,
  hashRow,
  rowBytes,
  writeCellBytes,
  type Column,
  type Dtype,
} from '../../src/engine/frame.js';
import { hashHex } from '../../src/engine/hash.js';
import { convert, readCsv } from '../../src/engine/csv.js';
import { cellAt, KeySink, scanKeys } from '../../src/engine/csv-keys.js';
import { CsvSide } from '../../src/engine/keyed-csv.js';
import { diffKeyed, diffKeyedSides } from '../../src/engine/keyed-diff.js';
import { ascending, mergeJoin, outerJoin } from '../../src/engine/keyed-join.js';
import { readShape } from '../../src/engine/read-frame.js';

// The fast paths of the CSV engine against what they replace: the row scanner against papaparse, the
// hash-free row bytes against xxh3, the keyed join against a plain hash join, the lazy CSV side against
// whole frames.
const RUNS = Number(process.env.FUZZ_RUNS ?? 25) * 20;
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

function scan(text: string, delimiter: string, newline: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  scanRows(
    text,
    { delimiter, newline },
    {
      field: (value) => row.push(value),
      rowEnd: () => {
        rows.push(row);
        row = [];
      },
    },
  );
  return rows;
}

/**
 * A field: plain (a quote inside is a plain character), or quoted with delimiters, quotes and line
 * breaks inside; some not ASCII.
 */
const field = fc.oneof(
  fc.stringMatching(/^[a-z0-9 .é€-]{0,6}$/),
  fc.stringMatching(/^[a-z]{1,2}"[a-z"]{0,2}$/),
  fc.stringMatching(/^[a-z,;\t"\n\r ü]{0,6}$/).map((v) => `"${v.replace(/"/g, '""')}"`),
);
/** Also malformed: text after a closing quote, which our scanners keep and papaparse reads otherwise. */
const anyField = fc.oneof(
  field,
  fc.stringMatching(/^[a-z,]{0,3}$/).map((v) => `"${v}"x`),
);

describe('the CSV row scanner', () => {
  it('reads what papaparse reads: quotes, quoted line breaks, ragged rows, empty lines', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.array(field, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (delimiter, newline, rows, trailing) => {
          const text = rows.map((r) => r.join(delimiter)).join(newline) + (trailing ? newline : '');
          const expected = Papa.parse<string[]>(text, { delimiter, newline, skipEmptyLines: true }).data;
          expect(scan(text, delimiter, newline)).toEqual(expected);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('splits the bytes where it splits the text, up to any field limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';', '\t', '|', '::'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.array(anyField, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        (delimiter, newline, rows, trailing, limit) => {
          const text = rows.map((r) => r.join(delimiter)).join(newline) + (trailing ? newline : '');
          const bytes = Buffer.from(text);
          const expected: Array<{ fields: string[]; row: string }> = [];
          let fields: string[] = [];
          scanRows(
            text,
            { delimiter, newline },
            {
              field: (value) => fields.push(value),
              rowEnd: (_count, start, end) => {
                expected.push({ fields: fields.slice(0, limit), row: text.slice(start, end) });
                fields = [];
              },
            },
          );
          const got: typeof expected = [];
          const stop = scanBounds(
            bytes,
            { delimiter, newline },
            {
              limit,
              field: (start, end) => fields.push(fieldText(bytes, start, end)),
              rowEnd: (start, end) => {
                got.push({ fields: fields.slice(0, limit), row: bytes.toString('utf8', start, end) });
                fields = [];
              },
            },
          );
          expect(got).toEqual(expected);
          expect(stop).toBe(bytes.length);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('guesses the delimiter and line break as papaparse does', () => {
    expect(sniffDialect('a\tb\n1\t2\n', undefined, [',', '\t', ';', '|'])).toEqual({
      delimiter: '\t',
      newline: '\n',
    });
    expect(sniffDialect('a;b\r\n1;2\r\n', undefined, [',', '\t', ';', '|'])).toEqual({
      delimiter: ';',
      newline: '\r\n',
    });
    expect(sniffDialect('a|b\n', '|', [])).toEqual({ delimiter: '|', newline: '\n' });
  });

  // Texts of few kinds of character, so that quotes, line breaks of all three kinds, delimiters and
  // rows of equal and unequal widths meet often.
  const sniffable = fc
    .array(fc.constantFrom('a', 'b', ',', ';', '\t', '|', '"', '\r', '\n', '\r\n', 'a,b;c\n'), {
      maxLength: 400,
    })
    .map((parts) => parts.join(''));
  const CANDIDATES = [',', '\t', ';', '|'];

  it('guesses the line break as papaparse does', () => {
    fc.assert(
      fc.property(sniffable, (text) => {
        // papaparse reports its guess when no line break is given.
        const papa = Papa.parse(text, { delimiter: ',', preview: 1 }).meta.linebreak;
        expect(guessLineBreak(text)).toBe(papa);
      }),
      { numRuns: RUNS * 4, seed: SEED },
    );
    // A "\r" and a "\n" joined by the removal of the quoted span between them count as "\r\n".
    expect(guessLineBreak('a\r"x"\nb\r"y"\nc\rd')).toBe('\r\n');
    expect(guessLineBreak('a\r"x"b\nc\rd')).toBe('\r');
  });

  it('guesses the delimiter from a prefix as papaparse does from the first MiB', () => {
    fc.assert(
      fc.property(
        sniffable,
        fc.constantFrom(undefined, '', ';', '\t'),
        fc.integer({ min: 1, max: 64 }),
        (text, given, firstPrefix) => {
          const meta = Papa.parse<string[]>(text, {
            delimiter: given ?? '',
            delimitersToGuess: CANDIDATES,
            skipEmptyLines: true,
            preview: 10,
          }).meta;
          expect(sniffDialect(text, given, CANDIDATES, firstPrefix)).toEqual({
            delimiter: meta.delimiter || given || ',',
            newline: meta.linebreak || '\n',
          });
        },
      ),
      { numRuns: RUNS * 4, seed: SEED },
    );
  });

  it("tells a text's dialect from a piece of its start only as from the whole, and then often", () => {
    let settled = 0;
    fc.assert(
      fc.property(
        // Also texts of "\n" line breaks and rare quotes, which a piece settles more often.
        fc.oneof(
          sniffable,
          fc
            .array(fc.constantFrom('a', 'b', ',', ';', '\n', ...Array<string>(8).fill('a,b;c\n'), '"'), {
              maxLength: 400,
            })
            .map((parts) => parts.join('')),
        ),
        fc.constantFrom(undefined, ';'),
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        (text, given, firstPrefix, cut) => {
          const piece = text.slice(0, cut % (text.length + 1));
          const dialect = sniffPiece(piece, given, CANDIDATES, firstPrefix);
          if (dialect === undefined) return;
          settled++;
          expect(dialect).toEqual(sniffDialect(text, given, CANDIDATES, firstPrefix));
        },
      ),
      { numRuns: RUNS * 4, seed: SEED },
    );
    expect(settled).toBeGreaterThan(RUNS / 10);
    // A quote the piece leaves open could close past it, and hide the first line break (a quote
    // inside a field is a plain character to papaparse, whose ten rows the piece then holds).
    const opened = `a"b\n${'c,d\n'.repeat(30)}`;
    expect(sniffDialect(`${opened}"\r\ne,f\r\n`, undefined, CANDIDATES, 16).newline).toBe('\r\n');
    expect(sniffPiece(opened, undefined, CANDIDATES, 16)).toBeUndefined();
    // Before an open quote, a line break settles it.
    const rows = 'a,b\n'.repeat(12);
    expect(sniffPiece(`${rows}"x`, undefined, CANDIDATES, 44)).toEqual({ delimiter: ',', newline: '\n' });
    // A "\r" first, or no 10 rows in a prefix the piece holds, leaves it to the whole text.
    expect(sniffPiece(`a\r${rows}`, undefined, CANDIDATES, 44)).toBeUndefined();
    expect(sniffPiece(rows, undefined, CANDIDATES, 64)).toBeUndefined();
  });

  it('does not guess the delimiter from a prefix that cuts the tenth row', () => {
    // Whole, the tenth row makes ";" give unequal widths and "," wins; cut after "a;b", ";" would.
    const text = `${'a;b,c\n'.repeat(9)}a;b;c;d;e,f\n${'a;b,c\n'.repeat(20)}`;
    const whole = Papa.parse(text, { delimitersToGuess: CANDIDATES, preview: 10 }).meta.delimiter;
    expect(whole).toBe(',');
    expect(sniffDialect(text, undefined, CANDIDATES, 9 * 6 + 3).delimiter).toBe(whole);
  });

  // Each takes a few tens of ms; searching the rest of the text again at each quoted span would take
  // seconds (20 s for the second text), past this test's limit.
  it('guesses the line break of texts of a million quoted spans in one pass', () => {
    const crs = `${'"x"'.repeat(50_000)}\r`.repeat(20);
    expect(guessLineBreak(crs)).toBe('\r');
    // Text between the spans, and no line break in any of it.
    const pieces = 'a"x"'.repeat(1 << 20);
    expect(guessLineBreak(pieces)).toBe('\n');
  }, 5_000);

  it('skips the rest of a million rows without quotes in one pass', () => {
    // Looking for a quote from each row to the end of the file would take minutes.
    const bytes = Buffer.from('1,a,b\n'.repeat(1_000_000));
    let rows = 0;
    const keys = new Set<string>();
    scanBounds(
      bytes,
      { delimiter: ',', newline: '\n' },
      { limit: 1, field: (start, end) => keys.add(fieldText(bytes, start, end)), rowEnd: () => rows++ },
    );
    expect([rows, [...keys]]).toEqual([1_000_000, ['1']]);
  }, 5_000);

  // Each takes a few hundred ms at most; searching for the line break (or the delimiter) again from
  // each field (or row) would take many seconds, past this test's limit. Native searches are fast, so
  // the texts must be large for that to show.
  it('scans a 200,000-column row and a file without delimiters in linear time', () => {
    const wide = `${Array.from({ length: 200_000 }, (_, i) => `c${i}`).join(',')}\n`.repeat(3);
    expect(scan(wide, ',', '\n').map((r) => r.length)).toEqual(Array(3).fill(200_000));
    const single = 'x\n'.repeat(1_000_000);
    expect(scan(single, ',', '\n')).toHaveLength(1_000_000);
  }, 5_000);
});

const cell = fc.oneof(
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.boolean(),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  fc.double(),
);
/** A one-row column whose dtype fits its value (i64 only for safe integers). */
const column = fc.tuple(fc.constantFrom<Dtype>('i64', 'f64'), cell).map(([want, value]): Column => {
  const dtype: Dtype =
    typeof value === 'number'
      ? want === 'i64' && Number.isSafeInteger(value)
        ? 'i64'
        : 'f64'
      : typeof value === 'boolean'
        ? 'bool'
        : 'str';
  return { name: 'c', dtype, values: [value] };
});

describe('row bytes', () => {
  it('are the exact bytes hashRow hashes', () => {
    fc.assert(
      fc.property(fc.array(column, { minLength: 1, maxLength: 4 }), (columns) => {
        expect(hashHex(Buffer.from(rowBytes(columns, 0)!, 'latin1'))).toBe(hashRow(columns, 0));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('are written into a buffer as cellBytes gives them', () => {
    fc.assert(
      fc.property(column, fc.nat(8), ({ values: [value], dtype }, at) => {
        const out = Buffer.alloc(at + 64);
        const end = writeCellBytes(out, at, value!, dtype);
        expect(out.toString('latin1', at, end)).toBe(cellBytes(value, dtype));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });
});

describe('a cell read from its bytes', () => {
  it('is what convert makes of its text, for every dtype', () => {
    // Numbers as files write them: decimals of up to 17 digits, points at either end, signs,
    // exponents, leading zeros, quotes, and texts that are no number.
    const digits = fc.stringMatching(/^[0-9]{0,17}$/);
    const numberText = fc.oneof(
      fc
        .tuple(fc.constantFrom('', '-', '+'), digits, fc.constantFrom('', '.'), digits)
        .map((p) => p.join('')),
      fc.double({ noNaN: true }).map(String),
      // 16 and 17 digits, past what a double holds exactly, with a point anywhere.
      fc
        .tuple(fc.stringMatching(/^[1-9][0-9]{15,16}$/), fc.nat(17))
        .map(([d, at]) => `${d.slice(0, at % d.length)}.${d.slice(at % d.length)}`),
      fc.constantFrom('-0', '-0.0', '.', '-.', '1e3', 'inf', '-nan', '"1.5"', '""', 'x', '1.2.3', '١'),
    );
    fc.assert(
      fc.property(numberText, fc.constantFrom<Dtype>('i64', 'f64', 'bool', 'str'), (text, dtype) => {
        const bytes = Buffer.from(`,${text},`);
        const expected = convert(fieldText(bytes, 1, bytes.length - 1), dtype);
        expect(cellAt(bytes, 1, bytes.length - 1, dtype)).toBe(expected);
      }),
      { numRuns: RUNS * 10, seed: SEED },
    );
  });
});

describe('the keyed join', () => {
  it('counts what a plain join on xxh3 row hashes counts', () => {
    // Small key and value ranges, so that keys repeat, rows match and values collide.
    const frame = fc
      .array(
        fc.tuple(
          fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
          fc.constantFrom('a', 'b', null),
          fc.integer({ min: 0, max: 2 }),
        ),
        {
          maxLength: 12,
        },
      )
      .map((rows) => ({
        columns: [
          { name: 'k', dtype: 'i64' as Dtype, values: rows.map((r) => r[0]) },
          { name: 's', dtype: 'str' as Dtype, values: rows.map((r) => r[1]) },
          { name: 'v', dtype: 'i64' as Dtype, values: rows.map((r) => r[2]) },
        ],
        height: rows.length,
      }));
    fc.assert(
      fc.property(frame, frame, (left, right) => {
        const result = diffKeyed(left, right, { keys: ['k'], targets: [], display: [] });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        // The reference: hash keys and targets, pair every left row with every right row of its key.
        const hashes = (f: typeof left, names: string[]) =>
          Array.from({ length: f.height }, (_, i) =>
            hashRow(
              f.columns.filter((c) => names.includes(c.name)),
              i,
            ),
          );
        const [lk, rk, lt, rt] = [
          hashes(left, ['k']),
          hashes(right, ['k']),
          hashes(left, ['s', 'v']),
          hashes(right, ['s', 'v']),
        ];
        const counts = { added: 0, removed: 0, modified: 0 };
        const matched = new Set<number>();
        lk.forEach((h, i) => {
          const js = rk.flatMap((g, j) => (g === h ? [j] : []));
          // oxen takes a row whose first key is null for added, whatever it joins with.
          const nullKey = left.columns[0]!.values[i] === null;
          if (js.length === 0) counts[nullKey ? 'added' : 'removed']++;
          for (const j of js) {
            matched.add(j);
            if (nullKey) counts.added++;
            else if (lt[i] !== rt[j]) counts.modified++;
          }
        });
        counts.added += right.height - matched.size;
        const dupes = (hs: Array<string | null>) =>
          hs.filter((h) => hs.indexOf(h) !== hs.lastIndexOf(h)).length;
        expect(result.diff.counts).toEqual(counts);
        expect(result.diff.dupes).toEqual({ left: dupes(lk), right: dupes(rk) });
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('the merge of keys in ascending order', () => {
  const idsInOrder = fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 25 })
    .map((keys) => Float64Array.from(keys.sort((a, b) => a - b)));
  const pairs = (join: (pair: (l: number, r: number) => void) => void) => {
    const out: Array<[number, number]> = [];
    join((l, r) => out.push([l, r]));
    return out;
  };

  it('gives the pairs of the table join, in its order', () => {
    fc.assert(
      fc.property(idsInOrder, idsInOrder, (left, right) => {
        expect(pairs((pair) => mergeJoin(left, right, pair, () => 0))).toEqual(
          pairs((pair) => outerJoin(left, right, pair)),
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('passes over the pairs its caller calls the same, and no others', () => {
    fc.assert(
      fc.property(idsInOrder, idsInOrder, fc.integer({ min: 1, max: 4 }), (left, right, run) => {
        // Every pair of equal keys whose left row is even starts a run of up to `run` pairs passed over.
        const passed: Array<[number, number]> = [];
        const merged = pairs((pair) =>
          mergeJoin(left, right, pair, (l, r) => {
            if (l % 2 === 1) return 0;
            let n = 0;
            while (n < run && left[l + n] !== undefined && left[l + n] === right[r + n]) n++;
            for (let k = 0; k < n; k++) passed.push([l + k, r + k]);
            return n;
          }),
        );
        const all = pairs((pair) => outerJoin(left, right, pair));
        const key = ([l, r]: [number, number]) => `${l},${r}`;
        const skipped = new Set(passed.map(key));
        expect(merged).toEqual(all.filter((p) => !skipped.has(key(p))));
        expect(passed.every((p) => all.some((q) => key(q) === key(p)))).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("is taken for a CSV's integer keys only when each is greater than the one before", () => {
    const ascendingKeys = (text: string, numeric = true) => {
      const read = CsvSide.read(Buffer.from(text));
      if (!read.ok) throw new Error(read.error);
      return ascending(read.side.keyBytes([0], 0, numeric).keys);
    };
    // Keys as their bytes (text, several columns) are never in order for the merge.
    expect(ascendingKeys('id,v\n1,a\n2,b\n', false)).toBe(false);
    expect(ascendingKeys('id,v\n1,a\n2,b\n\n10,c')).toBe(true);
    expect(ascendingKeys('id,v\n-5,a\n007,b\n8,c\n')).toBe(true);
    expect(ascendingKeys('id,v\n1,a\n1,b\n')).toBe(false);
    expect(ascendingKeys('id,v\n2,a\n1,b\n')).toBe(false);
    expect(ascendingKeys('id,v\n,a\n1,b\n')).toBe(false);
    expect(ascendingKeys('id,v\n1,a\n,b\n')).toBe(false);
  });
});

describe('the lazy CSV side of a keyed compare', () => {
  // Values that type alike and differently: "1" and "01" are the same i64, "1.0" and "1.00" the same
  // f64, quoted text with delimiters, and empty (null) cells.
  const value = fc.constantFrom(
    '1',
    '01',
    '2',
    '"2"',
    '-3',
    '1.0',
    '1.00',
    '2.5',
    'x',
    'é',
    '"a,b"',
    '"q""uote"',
    '""',
    '',
    'true',
    '9999999999999999999',
  );
  const csv = (names: string[]) =>
    fc
      .tuple(
        fc.array(fc.array(value, { minLength: names.length - 1, maxLength: names.length + 1 }), {
          maxLength: 10,
        }),
        fc.constantFrom('\n', '\r\n'),
      )
      .map(([rows, newline]) => [names.join(','), ...rows.map((r) => r.join(','))].join(newline) + newline);
  const header = fc.uniqueArray(fc.constantFrom('id', 'a', 'b', 'c'), { minLength: 1, maxLength: 4 });

  it("tells a file's columns and row count as reading the whole frame does", () => {
    fc.assert(
      fc.property(
        header.chain((names) => csv(names)),
        (text) => {
          const frame = readCsv(text);
          const shape = readShape(Buffer.from(text), 'csv');
          if (!frame.ok) return expect(shape).toBeNull();
          expect(shape).toEqual({
            columns: frame.frame.columns.map(({ name, dtype }) => ({ name, dtype })),
            height: frame.frame.height,
          });
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  /** readLayout's columns for `text`, held to readCsv's (and its refusals to readCsv's). */
  const expectTypedAsReadCsvTypes = (text: string) => {
    const whole = readCsv(text);
    const layout = readLayout(Buffer.from(text));
    expect(layout.ok).toBe(whole.ok);
    if (!whole.ok || !layout.ok) return;
    expect(layout.layout.columns).toEqual(whole.frame.columns.map(({ name, dtype }) => ({ name, dtype })));
  };

  it('types columns from the bytes of their head as readCsv types them from its text', () => {
    // Texts on both sides of the byte-level kinds (integers of up to 15 digits, decimals, booleans),
    // which the rest go through DtypeGuess.add.
    const cell = fc.constantFrom(
      '',
      '7',
      '-7',
      '-0',
      '007',
      '123456789012345',
      '1234567890123456',
      '-',
      '--1',
      '+1',
      '1.',
      '.5',
      '-.5',
      '1.2.3',
      '.',
      '-.',
      '1e5',
      '1E-2',
      'inf',
      '-inf',
      'NaN',
      'true',
      'False',
      'TRUE',
      'tru',
      'falsey',
      't',
      'x',
      '"3"',
      '"true"',
      '""',
      ' 1',
      '1 ',
      '١',
      'é',
    );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3 })
          .chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 12 })),
        // One-byte line breaks are read by HeadScan.scanPlain, "\r\n" through scanBounds.
        fc.constantFrom('\n', '\r\n', '\r'),
        // Now and then a row cut short or run long, and a blank line (which is no row).
        fc.array(fc.constantFrom('short', 'long', 'blank'), { maxLength: 3 }),
        (generated, newline, oddities) => {
          const width = generated[0]?.length ?? 1;
          const names = ['a', 'b', 'c'].slice(0, width);
          // A copy: fast-check runs a failing case's values again as it shrinks them.
          const rows = generated.map((row) => [...row]);
          oddities.forEach((odd, k) => {
            const at = (k * 5) % (rows.length + 1);
            const row = rows[at];
            if (odd === 'blank') rows.splice(at, 0, []);
            else if (row) rows[at] = odd === 'short' ? row.slice(0, -1) : [...row, '7'];
          });
          const text = [names, ...rows].map((r) => r.join(',')).join(newline) + newline;
          expectTypedAsReadCsvTypes(text);
        },
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it('types columns of long runs of one kind as readCsv types them', () => {
    // HeadScan.skipSteadyRows passes over the rows that change no column's guess with a regular
    // expression: columns of one kind of cell, now and then another, and text columns of quoted
    // cells that hold delimiters, line breaks, doubled quotes, or open a quote that never closes.
    const kinds = {
      integer: ['1', '-22', '007', '-0', '123456789012345', ''],
      decimal: ['2.5', '-.5', '1.', '3', ''],
      boolean: ['true', 'FALSE', 'True', ''],
      text: ['x', '"a,b"', '"x\ny"', '"q""uote"', 'b"c', '"a""', '""', '"1"', ''],
      odd: ['1234567890123456', '1e5', 'inf', '"3"', '.', '-', 'tru', ' 1', '1.2.3', '"true"'],
    };
    const cell = (kind: keyof typeof kinds) =>
      fc.oneof(
        { weight: 19, arbitrary: fc.constantFrom(...kinds[kind]) },
        { weight: 1, arbitrary: fc.constantFrom(...Object.values(kinds).flat()) },
      );
    const kind = fc.constantFrom(...(Object.keys(kinds) as Array<keyof typeof kinds>));
    fc.assert(
      fc.property(
        fc
          .array(kind, { minLength: 2, maxLength: 4 })
          .chain((columns) => fc.array(fc.tuple(...columns.map(cell)), { maxLength: 40 })),
        fc.constantFrom(',', ';'),
        fc.constantFrom('\n', '\r'),
        (rows, delimiter, newline) => {
          const width = Math.max(2, ...rows.map((r) => r.length));
          const names = ['a', 'b', 'c', 'd'].slice(0, width);
          const text = [names, ...rows].map((r) => r.join(delimiter)).join(newline) + newline;
          expectTypedAsReadCsvTypes(text);
        },
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it("keeps one i64 key's rows in a loop of its own as it keeps them from the bounds scanner", () => {
    // Keys of up to 15 digits and the cells around that rule, quoted keys, and quoted cells after
    // the key that hold delimiters, quotes and line breaks.
    const key = fc.constantFrom(
      '1',
      '-2',
      '007',
      '-0',
      '',
      '-',
      '123456789012345',
      '1234567890123456',
      // Read digit by digit, as a short key is, this would round to 100000000000000020.
      '99999999999999999',
      '2.5',
      ' 1',
      'x',
      '"3"',
      '"1\n2"',
    );
    const other = fc.constantFrom<string>('a', '', '7', '"a,b"', '"x\ny"', '"q""uote"', 'b"c', '"');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((width) =>
          fc.tuple(
            fc.constant(width),
            fc.nat(width - 1),
            // A row of `width` cells, now and then one short or long, or blank.
            fc.array(
              fc.tuple(fc.array(other, { minLength: width + 1, maxLength: width + 1 }), key, fc.nat(9)),
              {
                maxLength: 12,
              },
            ),
          ),
        ),
        fc.constantFrom('\n', '\r', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        ([width, column, rows], newline, blankFirst, trailing) => {
          const lines = rows.map(([cells, value, odd]) => {
            cells[column] = value;
            return odd === 0
              ? ''
              : cells.slice(0, odd === 1 ? width - 1 : odd === 2 ? width + 1 : width).join(',');
          });
          const header = ['k', 'a', 'b'].slice(0, width).join(',');
          const text =
            (blankFirst ? newline : '') + [header, ...lines].join(newline) + (trailing ? newline : '');
          const bytes = Buffer.from(text);
          const dialect = { delimiter: ',', newline };
          const layout = ['k', 'a', 'b']
            .slice(0, width)
            .map((_, c) => ({ dtype: c === column ? 'i64' : 'str' }) as const);
          const kept = (scan: (sink: KeySink) => void) => {
            const sink = new KeySink(bytes, layout, [column], column, true, 4);
            scan(sink);
            const rows = Math.max(sink.row, 0);
            const exactly = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
            return {
              rows,
              keys: Array.from(sink.numbers.subarray(0, rows), exactly),
              firstNull: Array.from(sink.firstNull.subarray(0, rows)),
              bounds: Array.from(sink.starts.subarray(0, rows), (s, r) => [s, sink.ends[r]]),
            };
          };
          expect(kept((sink) => scanKeys(bytes, dialect, sink))).toEqual(
            kept((sink) => scanBounds(bytes, dialect, sink)),
          );
        },
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it('refuses a text of white space only, Unicode spaces included, as readCsv does', () => {
    for (const text of ['', ' \n\t\r\n', '\u00a0\n\u3000', '\ufeff \n']) {
      expect(readCsv(text).ok).toBe(false);
      expect(readLayout(Buffer.from(text))).toEqual({ ok: false, error: 'empty CSV' });
    }
    // A space outside ASCII, then a name: not blank.
    expect(readLayout(Buffer.from('\u00a0a\n1\n')).ok).toBe(true);
    expect(readCsv('\u00a0a\n1\n').ok).toBe(true);
  });

  it('reads long integer keys as Number() does, not digit by digit (which rounds differently)', () => {
    // Read digit by digit, each left id would be the double of the right id below it.
    const left = 'id,v\n704938222766742700,1\n1584111183459562375,2\n5,3\n';
    const right = 'id,v\n704938222766742800,1\n1584111183459562200,2\n5,4\n';
    const params = { keys: ['id'], targets: [], display: [] };
    const frames = [readCsv(left), readCsv(right)].map((r) => (r.ok ? r.frame : null));
    const sides = [CsvSide.read(Buffer.from(left)), CsvSide.read(Buffer.from(right))].map((r) =>
      r.ok ? r.side : null,
    );
    const lazy = diffKeyedSides(sides[0]!, sides[1]!, params);
    expect(lazy).toEqual(diffKeyed(frames[0]!, frames[1]!, params));
    expect(lazy.ok && lazy.diff.columns[0]).toEqual({ name: 'id', dtype: 'i64' });
    expect(lazy.ok && lazy.diff.counts).toEqual({ added: 2, removed: 2, modified: 1 });
  });

  it('calls a row modified exactly when xxh3 of its target cells changes, for files of one layout', () => {
    // Values equal as cells but not as bytes (0 and -0 as f64), as bytes but not as text ("01", "1.0"),
    // and nulls and texts whose concatenations can coincide with other cells'.
    // Half of the cells from a few, so that a null and a value often trade places between columns.
    const cell = fc.oneof(
      fc.constantFrom('', '1', '0', '-0'),
      fc.constantFrom('0', '-0', '0.0', '-0.0', '1', '01', '1.0', 'nan', 'inf', '', 'x', 'xx', '"1"'),
    );
    const table = (columns: number) =>
      fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(fc.constant(n), table(n), table(n))),
        ([n, leftRows, rightRows]) => {
          const names = ['a', 'b', 'c'].slice(0, n);
          const text = (rows: string[][]) =>
            [['id', ...names], ...rows.map((r, i) => [i, ...r])].map((r) => r.join(',')).join('\n');
          const [left, right] = [text(leftRows), text(rightRows)];
          const frames = [readCsv(left), readCsv(right)];
          if (!frames[0]!.ok || !frames[1]!.ok) throw new Error('unreadable');
          const [lf, rf] = [frames[0]!.frame, frames[1]!.frame];
          // Only files of one layout: their columns typed alike.
          fc.pre(lf.columns.every((c, i) => c.dtype === rf.columns[i]!.dtype));
          const targets = (f: typeof lf, row: number) => hashRow(f.columns.slice(1), row);
          let modified = 0;
          for (let i = 0; i < Math.min(lf.height, rf.height); i++)
            if (targets(lf, i) !== targets(rf, i)) modified++;
          const params = { keys: ['id'], targets: names, display: [] };
          const sides = [CsvSide.read(Buffer.from(left)), CsvSide.read(Buffer.from(right))];
          if (!sides[0]!.ok || !sides[1]!.ok) throw new Error('the CSV side refused a readable CSV');
          const lazy = diffKeyedSides(sides[0]!.side, sides[1]!.side, params);
          expect(lazy.ok && lazy.diff.counts.modified).toBe(modified);
          expect(lazy).toEqual(diffKeyed(lf, rf, params));
        },
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it('gives the whole compare the frame path gives', () => {
    fc.assert(
      fc.property(
        header.chain((l) => fc.tuple(fc.constant(l), csv(l))),
        header.chain((r) => fc.tuple(fc.constant(r), csv(r))),
        fc.subarray(['id', 'a', 'b', 'c']),
        fc.subarray(['a', 'b', 'c']),
        ([, left], [, right], keys, targets) => {
          const params = { keys, targets, display: [] };
          const frames = [readCsv(left), readCsv(right)];
          if (!frames[0]!.ok || !frames[1]!.ok) return;
          const expected = diffKeyed(frames[0]!.frame, frames[1]!.frame, params);
          const sides = [CsvSide.read(Buffer.from(left)), CsvSide.read(Buffer.from(right))];
          if (!sides[0]!.ok || !sides[1]!.ok) throw new Error('the CSV side refused a readable CSV');
          expect(diffKeyedSides(sides[0]!.side, sides[1]!.side, params)).toEqual(expected);
        },
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  /** Holds the compare of two versions of a file `id,a,b`, keyed by id, to the frame path's. */
  const expectFramePathCompare = (left: string, right: string) => {
    const params = { keys: ['id'], targets: ['a', 'b'], display: [] };
    const frames = [readCsv(left), readCsv(right)];
    if (!frames[0]!.ok || !frames[1]!.ok) throw new Error('unreadable');
    const sides = [CsvSide.read(Buffer.from(left)), CsvSide.read(Buffer.from(right))];
    if (!sides[0]!.ok || !sides[1]!.ok) throw new Error('the CSV side refused a readable CSV');
    expect(diffKeyedSides(sides[0]!.side, sides[1]!.side, params)).toEqual(
      diffKeyed(frames[0]!.frame, frames[1]!.frame, params),
    );
  };

  it("gives the frame path's compare for versions of a file keyed by ids in order, merged", () => {
    // Ids 10 apart, so that rows can be added between them and both sides stay in order (the merge,
    // which passes over runs of rows of equal bytes), with rows changed in place, made longer or
    // shorter (a row whose bytes start another's), dropped, added, or blank lines put in; with or
    // without a line break at the end.
    const rowOf = (i: number) => `${(i + 1) * 10},v${i % 7},${i % 3}`;
    const edit = fc.record({
      at: fc.nat(79),
      kind: fc.constantFrom('change', 'longer', 'shorter', 'extra field', 'drop', 'add', 'blank'),
    });
    fc.assert(
      fc.property(
        fc.array(edit, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (edits, newline, lastBreak) => {
          const base = Array.from({ length: 80 }, (_, i) => rowOf(i));
          const rows = [...base];
          for (const { at, kind } of edits) {
            const i = Math.min(at, rows.length - 1);
            if (i < 0) break;
            const [id, a, b] = rows[i]!.split(',');
            if (kind === 'change') rows[i] = `${id},w${a},${b}`;
            else if (kind === 'longer') rows[i] = `${id},${a},${b}0`;
            else if (kind === 'shorter') rows[i] = `${id},${a},`;
            else if (kind === 'extra field') rows[i] = `${rows[i]},x`;
            else if (kind === 'drop' && rows[i] !== '') rows.splice(i, 1);
            else if (kind === 'add' && id) rows.splice(i + 1, 0, `${Number(id) + 5},new,1`);
            else if (kind === 'blank') rows.splice(i, 0, '');
          }
          const text = (lines: string[]) => ['id,a,b', ...lines].join(newline) + (lastBreak ? newline : '');
          expectFramePathCompare(text(base), text(rows));
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("gives the frame path's compare for two versions of a long file, runs of equal rows and all", () => {
    // A file of 60 rows and a version of it with a few rows changed, dropped, repeated (as they are,
    // or changed: a key on two rows that differ), moved or added (and blank lines), so that runs of
    // equal rows start and break at every kind of edit.
    const rowOf = (i: number) => `${i},v${i % 7},${i % 3}`;
    const edit = fc.record({
      at: fc.nat(59),
      kind: fc.constantFrom('change', 'drop', 'repeat', 'repeat changed', 'move', 'add', 'blank'),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), (edits, newline) => {
        const base = Array.from({ length: 60 }, (_, i) => rowOf(i));
        const rows = [...base];
        for (const { at, kind } of edits) {
          const i = Math.min(at, rows.length - 1);
          if (i < 0) break;
          if (kind === 'change') rows[i] = `${rows[i]!.split(',')[0]},changed,9`;
          else if (kind === 'drop') rows.splice(i, 1);
          else if (kind === 'repeat') rows.splice(i, 0, rows[i]!);
          else if (kind === 'repeat changed') rows.splice(i + 1, 0, `${rows[i]!.split(',')[0]},again,8`);
          else if (kind === 'move') rows.push(...rows.splice(i, 1));
          else if (kind === 'add') rows.splice(i, 0, `${100 + at},new,1`);
          else rows.splice(i, 0, '');
        }
        const text = (lines: string[]) => ['id,a,b', ...lines].join(newline) + newline;
        expectFramePathCompare(text(base), text(rows));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
