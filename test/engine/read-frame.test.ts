import { describe, expect, it } from 'vitest';
import { readFrame } from '../../src/engine/read-frame.js';
import { planDfQuery, parseFilter } from '../../src/engine/df-opts.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const shape = (text: string, ext: string) => {
  const frame = readFrame(bytes(text), ext);
  return frame && frame.columns.map((c) => [c.name, c.dtype, c.values]);
};

describe('readFrame', () => {
  it.each([
    [
      'csv',
      'a,b\n1,x\n2,\n',
      [
        ['a', 'i64', [1, 2]],
        ['b', 'str', ['x', null]],
      ],
    ],
    [
      'tsv',
      'a\tb\n1.5\ttrue\n',
      [
        ['a', 'f64', [1.5]],
        ['b', 'bool', [true]],
      ],
    ],
    [
      'jsonl',
      '{"a":1,"b":"x"}\n\n{"a":2.5,"c":true}\n',
      [
        ['a', 'f64', [1, 2.5]],
        ['b', 'str', ['x', null]],
        ['c', 'bool', [null, true]],
      ],
    ],
    ['ndjson', '{"a":null}\n{"a":[1,2]}\n', [['a', 'str', [null, '[1,2]']]]],
    ['json', '[{"n":1},{"n":"two"}]', [['n', 'str', ['1', 'two']]]],
  ])('reads .%s with polars-style dtypes', (ext, text, expected) => {
    expect(shape(text, ext)).toEqual(expected);
  });

  it.each([
    ['jsonl', '{"a":1}\nnot json\n'],
    ['jsonl', '[1,2]\n'],
    ['json', '{"a":1}'],
    ['parquet', 'PAR1'],
    ['csv', ''],
  ])('cannot read this .%s', (ext, text) => {
    expect(readFrame(bytes(text), ext)).toBeNull();
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(readFrame(new Uint8Array([0x61, 0x0a, 0xff, 0x0a]), 'csv')).toBeNull();
  });
});

describe('DF options', () => {
  const columns = [
    { name: 'id', dtype: 'i64' },
    { name: 'ok', dtype: 'bool' },
    { name: 'name', dtype: 'str' },
  ];
  it('parses filters left to right with their joins, or not at all', () => {
    expect(parseFilter('id >= 2 && name != "a b" || ok == true')).toEqual({
      terms: [
        { column: 'id', op: '>=', value: '2' },
        { column: 'name', op: '!=', value: 'a b' },
        { column: 'ok', op: '==', value: 'true' },
      ],
      joins: ['&&', '||'],
    });
    expect(parseFilter('id')).toBeNull();
  });

  it('types filter values by dtype and reads slice, row and take', () => {
    const planned = planDfQuery(
      { filter: 'ok == true && id < 3', take: '2,0', slice: '1..4', row: 9 },
      columns,
    );
    expect(planned).toEqual({
      ok: true,
      plan: {
        reverse: false,
        filter: {
          terms: [
            { column: 'ok', op: '==', value: 1 },
            { column: 'id', op: '<', value: 3 },
          ],
          joins: ['&&'],
        },
        take: [2, 0],
        slice: { start: 1, end: 4 },
      },
    });
    expect(planDfQuery({ row: 9 }, columns)).toEqual({
      ok: true,
      plan: { reverse: false, slice: { start: 9, end: 10 } },
    });
    expect(planDfQuery({ slice: 'all' }, columns)).toEqual({ ok: true, plan: { reverse: false } });
  });
});
