import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { datadiffProcessCount } from '../../src/services/compute/job-process.js';
import { build, call } from '../helpers/app.js';

// The bad-input matrix: one named test per hostile input, for both APIs. Every answer goes through
// `call`, so it is also checked against the spec for its status. The fuzzer (test/fuzz) throws random
// inputs at every operation; this file pins down what each kind of bad input must get.

const REPO = '/api/repos/bad/inputs';
const FRAMES = `${REPO}/compare/data_frames`;
const DIFFS = '/api/v1/datadiffs';
const latin1 = (text: string) => ({ base64: Buffer.from(text, 'latin1').toString('base64') });
const bytes = (values: number[]) => ({ base64: Buffer.from(values).toString('base64') });

/** A CSV of `width` columns c0..c{width-1} and three rows; `changed` alters one cell of row 2. */
function wideCsv(width: number, changed: boolean): string {
  const header = Array.from({ length: width }, (_, c) => `c${c}`).join(',');
  const row = (r: number) =>
    Array.from({ length: width }, (_, c) =>
      changed && r === 2 && c === width - 1 ? -1 : r * width + c,
    ).join(',');
  return `${header}\n${row(1)}\n${row(2)}\n${row(3)}\n`;
}

// Each CSV case as its base and head versions (Oxen: two commits; Datafold: two data sources).
const CSV: Record<string, [string, string]> = {
  bom: ['\ufeffid,name\n1,a\n2,b\n', '\ufeffid,name\n1,a\n2,B\n3,c\n'],
  crlf: ['id,name\r\n1,a\r\n2,b\r\n', 'id,name\r\n1,a\r\n2,B\r\n'],
  quoted: ['id,note\n1,"line one\nline two"\n2,plain\n', 'id,note\n1,"line one\nline 2"\n2,plain\n'],
  ragged: ['id,a,b\n1,x\n2,y,z,extra\n3,p,q\n', 'id,a,b\n1,x\n2,y,w,extra\n3,p,q\n'],
  'header-only': ['id,name\n', 'id,name\n1,a\n'],
  'no-header': ['1,2,1\n3,4,3\n', '1,2,1\n3,4,3\n5,6,5\n'],
  wide: [wideCsv(10_000, false), wideCsv(10_000, true)],
};
// A warehouse table cannot repeat a column name (the admin API refuses one), so Datafold's headerless
// table has none.
const TABLES: Record<string, [string, string]> = { ...CSV, 'no-header': ['7,8\n1,2\n', '7,8\n1,2\n5,6\n'] };
const csvFiles = (side: 0 | 1) =>
  Object.fromEntries(Object.entries(CSV).map(([name, versions]) => [`csv/${name}.csv`, versions[side]]));

let app: App;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'diffmock-bad-'));
  app = await build(dataDir, { jobTimeoutMs: 1500 });
  const repo = await app.app.inject({
    method: 'POST',
    url: '/_mock/oxen/repos',
    payload: {
      namespace: 'bad',
      name: 'inputs',
      commits: [
        {
          files: {
            ...csvFiles(0),
            'text/latin1.txt': latin1('caf\xe9\n'),
            'text/blob.bin': bytes([0, 1, 2, 255, 254]),
            'données/é.txt': 'un\n',
          },
        },
        {
          branch: 'next',
          files: {
            ...csvFiles(1),
            'text/latin1.txt': latin1('caf\xe8\n'),
            'text/blob.bin': bytes([0, 1, 3, 255, 254]),
            'données/é.txt': 'deux\n',
          },
        },
      ],
    },
  });
  expect(repo.statusCode).toBe(201);
  for (const [id, side] of [
    [1, 0],
    [2, 1],
  ] as const) {
    const tables = Object.fromEntries(Object.entries(TABLES).map(([name, v]) => [name, { csv: v[side] }]));
    const source = await app.app.inject({
      method: 'POST',
      url: '/_mock/datafold/data_sources',
      payload: {
        id,
        name: `side-${id}`,
        tables: { ...tables, fruit: { csv: 'id,name\n1,apple\n2,pear\n' } },
      },
    });
    expect(source.statusCode).toBe(201);
  }
});
afterAll(() => app.app.close());

const fileDiff = (path: string) =>
  call(
    app,
    'file',
    'GET',
    `${REPO}/compare/main..next/file/${path.split('/').map(encodeURIComponent).join('/')}`,
  );

/** Creates a data diff and waits for its end; answers the record and its summary_results. */
async function runDiff(body: Record<string, unknown>) {
  const created = await call(app, 'create_datadiff', 'POST', DIFFS, {
    data_source1_id: 1,
    data_source2_id: 2,
    ...body,
  });
  expect(created.statusCode).toBe(200);
  let record = created.json;
  for (let i = 0; i < 100 && !record.done; i++)
    record = (await call(app, 'get_datadiff', 'GET', `${DIFFS}/${record.id}?poll`)).json;
  const results = await call(
    app,
    'get_datadiff_summary_results',
    'GET',
    `${DIFFS}/${record.id}/summary_results`,
  );
  return { record, results: results.json };
}

const deep = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const frameBody = (path: string, key = 'id') => ({
  compare_id: `cmp-${path.replace(/\W/g, '')}`,
  left: { path, version: 'main' },
  right: { path, version: 'next' },
  keys: [{ left: key, right: key }],
  compare: [],
  display: [],
});

describe('bad input: Oxen', () => {
  it('path traversal in the repository path is an unknown repository', async () => {
    for (const url of [
      `/api/repos/bad/..%2Finputs/compare/main..next/entries`,
      '/api/repos/../bad/compare/main..next/entries',
    ]) {
      const res = await call(app, 'entries', 'GET', url);
      expect(res.statusCode).toBe(404);
      expect(res.json.status_message).toBe('resource_not_found');
    }
  });

  it('path traversal in a file path finds no file, and reads nothing outside the repository', async () => {
    const res = await call(
      app,
      'file',
      'GET',
      `${REPO}/compare/main..next/file/..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
    );
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('root:');
    const real = await call(
      app,
      'file_real',
      'GET',
      `${REPO}/compare/file/main..next/csv/../../../etc/passwd`,
    );
    expect(real.statusCode).toBe(404);
  });

  it('path traversal in a compare id is an unknown compare', async () => {
    const res = await call(app, 'get_derived_df', 'GET', `${FRAMES}/..%2F..%2Fconfig/diff`);
    expect(res.statusCode).toBe(404);
    expect(res.json.error.type).toBe('resource_not_found');
  });

  it('reads percent-encoded unicode paths, and refuses a spelling that is not there', async () => {
    const res = await fileDiff('données/é.txt');
    expect(res.statusCode).toBe(200);
    expect(res.json.compare.filename).toBe('données/é.txt');
    const lines = res.json.compare.diff.lines.map((l: any) => `${l.modification} ${l.text}`);
    expect(lines).toContain('Removed un');
    expect(lines).toContain('Added deux');
    // The same name with a decomposed é (e + U+0301) is another path, at neither revision: a 400
    // here (0.50.0 answers this one with a 500).
    const other = await fileDiff('données/e\u0301.txt');
    expect(other.statusCode).toBe(400);
    expect(other.json.error.detail).toBe('Could not calculate diff: neither base nor head entries exist.');
  });

  it.each([
    ['0', 200],
    ['-1', 400],
    ['abc', 400],
    ['99999999999999999999999', 400],
  ])('answers page=%s on entries with %i', async (page, status) => {
    const res = await call(app, 'entries', 'GET', `${REPO}/compare/main..next/entries?page=${page}`);
    expect(res.statusCode).toBe(status);
    if (status === 400) expect(res.body).toMatch(/^Query deserialize error: /);
    else expect(res.json.page_number).toBe(0);
  });

  it('gives non-UTF-8 and binary files no text diff', async () => {
    for (const path of ['text/latin1.txt', 'text/blob.bin']) {
      const res = await fileDiff(path);
      expect(res.statusCode).toBe(200);
      expect(res.json.compare.data_type).toBe('binary');
      expect(res.json.compare.diff).toBeNull();
    }
  });

  it('reads a CSV with a byte-order mark: the first column is named without it', async () => {
    const t = (await fileDiff('csv/bom.csv')).json.compare.diff.tabular;
    expect(t.head_schema.fields.map((f: any) => f.name)).toEqual(['id', 'name']);
    expect(t.added_rows.data).toEqual([
      { id: 2, name: 'B' },
      { id: 3, name: 'c' },
    ]);
    const frames = await call(app, 'create_df_diff', 'POST', FRAMES, frameBody('csv/bom.csv'));
    expect(frames.json.dfs.summary.modifications).toEqual({
      added_rows: 1,
      removed_rows: 0,
      modified_rows: 1,
    });
  });

  it('reads a CSV with CRLF line ends: no value keeps a carriage return', async () => {
    const t = (await fileDiff('csv/crlf.csv')).json.compare.diff.tabular;
    expect(t.added_rows.data).toEqual([{ id: 2, name: 'B' }]);
    expect(t.removed_rows.data).toEqual([{ id: 2, name: 'b' }]);
  });

  it('reads a quoted newline as part of one value', async () => {
    const t = (await fileDiff('csv/quoted.csv')).json.compare.diff.tabular;
    expect(t.removed_rows.data).toEqual([{ id: 1, note: 'line one\nline two' }]);
    expect(t.added_rows.data).toEqual([{ id: 1, note: 'line one\nline 2' }]);
    const frames = await call(app, 'create_df_diff', 'POST', FRAMES, frameBody('csv/quoted.csv'));
    expect(frames.json.dfs.summary.modifications.modified_rows).toBe(1);
  });

  it('reads ragged rows: short ones padded with nulls, long ones cut at the header', async () => {
    const t = (await fileDiff('csv/ragged.csv')).json.compare.diff.tabular;
    expect(t.head_schema.fields.map((f: any) => f.name)).toEqual(['id', 'a', 'b']);
    expect(t.removed_rows.data).toEqual([{ id: 2, a: 'y', b: 'z' }]);
    expect(t.added_rows.data).toEqual([{ id: 2, a: 'y', b: 'w' }]);
  });

  it('reads a header-only CSV as zero rows', async () => {
    const t = (await fileDiff('csv/header-only.csv')).json.compare.diff.tabular;
    expect(t.summary).toMatchObject({ num_added_rows: 1, num_removed_rows: 0, schema_has_changed: true });
    expect(t.base_schema.fields.map((f: any) => `${f.name}:${f.dtype}`)).toEqual(['id:str', 'name:str']);
  });

  it('reads a CSV without a header as polars does: the first row names the columns', async () => {
    const t = (await fileDiff('csv/no-header.csv')).json.compare.diff.tabular;
    expect(t.head_schema.fields.map((f: any) => f.name)).toEqual(['1', '2', '1_duplicated_0']);
    expect(t.added_rows.data).toEqual([{ '1': 5, '2': 6, '1_duplicated_0': 5 }]);
  });

  it('diffs a CSV of 10,000 columns, by row and by key', async () => {
    const t = (await fileDiff('csv/wide.csv')).json.compare.diff.tabular;
    expect(t.head_schema.fields).toHaveLength(10_000);
    expect(t.summary).toMatchObject({ num_added_rows: 1, num_removed_rows: 1 });
    const frames = await call(app, 'create_df_diff', 'POST', FRAMES, frameBody('csv/wide.csv', 'c0'));
    expect(frames.statusCode).toBe(200);
    expect(frames.json.dfs.summary.modifications).toEqual({
      added_rows: 0,
      removed_rows: 0,
      modified_rows: 1,
    });
  });

  it('answers a 50 MB body with 413 in its own error shape', async () => {
    const res = await call(app, 'create_df_diff', 'POST', FRAMES, { compare_id: 'x'.repeat(50 * 2 ** 20) });
    expect(res.statusCode).toBe(413);
    expect(res.json).toEqual({
      status: 'error',
      status_message: 'A payload reached size limit.',
      oxen_version: '0.50.0',
    });
  });

  it("refuses JSON nested past serde's recursion limit with serde's message, and takes 127 levels", async () => {
    const res = await call(app, 'create_df_diff', 'POST', FRAMES, deep(200));
    expect(res.statusCode).toBe(400);
    expect(res.json.status_message).toBe('recursion limit exceeded at line 1 column 128');
    // An unknown field nested 126 deep inside the body's own map is ignored, as serde ignores it.
    const body = JSON.stringify(frameBody('csv/crlf.csv')).replace(/^\{/, `{"extra":${deep(125, '[]')},`);
    const ok = await call(app, 'create_df_diff', 'POST', FRAMES, body);
    expect(ok.statusCode).toBe(200);
  });
});

describe('bad input: Datafold', () => {
  it.each([
    ['a relative path out of the data directory', '../../etc/passwd'],
    ['a file URI outside it', 'file:///etc/passwd'],
    ['an encoded slash in a file URI', 'DATA/..%2F..%2Fetc/passwd'],
    ['a file URI with a host', 'file://elsewhere/data.csv'],
  ])('refuses file1 as %s with a 422 naming file1', async (_name, file1) => {
    const uri = file1.replace('DATA', pathToFileURL(dataDir).href);
    const res = await call(app, 'create_datadiff', 'POST', DIFFS, {
      data_source1_id: 1,
      data_source2_id: 2,
      file1: uri,
      table2: ['fruit'],
      pk_columns: ['id'],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json.detail[0]).toMatchObject({ type: 'value_error', loc: ['body', 'file1'], input: uri });
  });

  it('reads percent-encoded ids as their text: digits are an id, anything else a 422', async () => {
    expect((await call(app, 'get_datadiff', 'GET', `${DIFFS}/%39%39%39`)).statusCode).toBe(404);
    for (const id of ['..%2F1', '%EF%BC%91', '1%00']) {
      const res = await call(app, 'get_datadiff', 'GET', `${DIFFS}/${id}`);
      expect(res.statusCode).toBe(422);
      expect(res.json.detail[0]).toMatchObject({ type: 'int_parsing', loc: ['path', 'datadiff_id'] });
    }
  });

  it.each([
    ['page=0', 200],
    ['page=-1', 200],
    ['page=99999999999999999999999', 200],
    ['page=abc', 422],
    ['page_size=0', 200],
    ['page_size=abc', 422],
  ])('answers %s on the list with %i', async (query, status) => {
    const res = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?${query}`);
    expect(res.statusCode).toBe(status);
    if (status === 422) expect(res.json.detail[0].loc[0]).toBe('query');
    else expect(res.json.page).toBeGreaterThanOrEqual(1);
  });

  it('fails a diff of a non-UTF-8 or binary file with a FileFormatError', async () => {
    writeFileSync(join(dataDir, 'latin1.csv'), Buffer.from('id,name\n1,caf\xe9\n', 'latin1'));
    writeFileSync(join(dataDir, 'blob.csv'), Buffer.from([0xff, 0xfe, 0, 1, 2, 0x80]));
    for (const file1 of ['latin1.csv', 'blob.csv']) {
      const { record, results } = await runDiff({ file1, table2: ['fruit'], pk_columns: ['id'] });
      expect(record).toMatchObject({ status: 'failed', result: 'error' });
      expect(results.error.error_type).toBe('FileFormatError');
    }
  });

  it.each([
    ['bom', ['id'], { table_a_row_count: 2, table_b_row_count: 3, rows_added: 1, diff_rows_count: 1 }],
    ['crlf', ['id'], { table_a_row_count: 2, table_b_row_count: 2, rows_added: 0, diff_rows_count: 1 }],
    ['quoted', ['id'], { table_a_row_count: 2, table_b_row_count: 2, rows_added: 0, diff_rows_count: 1 }],
    ['ragged', ['id'], { table_a_row_count: 3, table_b_row_count: 3, rows_added: 0, diff_rows_count: 1 }],
    [
      'header-only',
      ['id'],
      { table_a_row_count: 0, table_b_row_count: 1, rows_added: 1, diff_rows_count: 0 },
    ],
    ['no-header', ['7'], { table_a_row_count: 1, table_b_row_count: 2, rows_added: 1, diff_rows_count: 0 }],
    ['wide', ['c0'], { table_a_row_count: 3, table_b_row_count: 3, rows_added: 0, diff_rows_count: 1 }],
  ])('diffs a %s CSV table', async (table, pk, stats) => {
    const { record } = await runDiff({ table1: [table], table2: [table], pk_columns: pk });
    expect(record.status).toBe('done');
    expect(record.diff_stats).toMatchObject(stats);
  });

  it('answers a 50 MB body with 413 in its own error shape', async () => {
    const res = await call(app, 'create_datadiff', 'POST', DIFFS, { table1: ['x'.repeat(50 * 2 ** 20)] });
    expect(res.statusCode).toBe(413);
    expect(res.json).toEqual({ detail: 'Request Entity Too Large' });
  });

  it('refuses deeply nested JSON as FastAPI does: 400, unless a syntax error comes first', async () => {
    const res = await call(app, 'create_datadiff', 'POST', DIFFS, `{"table1":${deep(5000)}}`);
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ detail: 'There was an error parsing the body' });
    const broken = await call(
      app,
      'update_datadiff',
      'PATCH',
      `${DIFFS}/1`,
      `{"archived":tru, "x":${deep(5000)}}`,
    );
    expect(broken.statusCode).toBe(422);
    expect(broken.json.detail[0].type).toBe('json_invalid');
    // Within the limit, the body is read and validated as usual.
    const shallow = await call(app, 'create_datadiff', 'POST', DIFFS, `{"table1":${deep(500)}}`);
    expect(shallow.statusCode).toBe(422);
  });

  it('treats SQL in list filters as plain values: no match, no error, nothing changed', async () => {
    const before = (await call(app, 'list_datadiffs', 'GET', DIFFS)).json.count;
    for (const value of ["x' OR 1=1--", '1; DROP TABLE datadiffs; --', "fruit') OR ('1'='1"]) {
      const res = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?table1=${encodeURIComponent(value)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json.count).toBe(0);
    }
    expect((await call(app, 'list_datadiffs', 'GET', DIFFS)).json.count).toBe(before);
  });

  it('runs filter1 and query1 read-only: writes fail the job, and the stored data is unchanged', async () => {
    const base = { table1: ['fruit'], table2: ['fruit'], pk_columns: ['id'] };
    const attacks = [
      { filter1: '1=1; DROP TABLE fruit' },
      { filter1: "1=1) UNION SELECT 9, 'x' --" },
      { table1: null, query1: "UPDATE fruit SET name = 'x'" },
      { table1: null, query1: 'SELECT * FROM fruit; DELETE FROM fruit' },
      { table1: null, query1: "ATTACH DATABASE 'stolen.db' AS stolen" },
    ];
    for (const attack of attacks) {
      const { record, results } = await runDiff({ ...base, ...attack });
      expect(record.status, JSON.stringify(attack)).toBe('failed');
      expect(results.error.error_type).toBe('QueryError');
    }
    // A read-only subquery in a filter is allowed, as in the real service.
    const sub = await runDiff({ ...base, filter1: "id IN (SELECT id FROM fruit WHERE name = 'pear')" });
    expect(sub.record.diff_stats).toMatchObject({ table_a_row_count: 1 });
    const after = await runDiff(base);
    expect(after.record.result).toBe('identical');
    expect(after.record.diff_stats).toMatchObject({ table_a_row_count: 2, table_b_row_count: 2 });
  });

  it('stops a runaway query at the time limit: the job fails, the server keeps answering', async () => {
    const created = await call(app, 'create_datadiff', 'POST', DIFFS, {
      data_source1_id: 1,
      data_source2_id: 2,
      query1: 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS id FROM r',
      table2: ['fruit'],
      pk_columns: ['id'],
    });
    // While the query runs in its own process, other requests are answered.
    expect((await call(app, 'list_datadiffs', 'GET', `${DIFFS}?page_size=1`)).statusCode).toBe(200);
    let record = created.json;
    for (let i = 0; i < 100 && !record.done; i++)
      record = (await call(app, 'get_datadiff', 'GET', `${DIFFS}/${record.id}?poll`)).json;
    expect(record.status).toBe('failed');
    const results = await call(
      app,
      'get_datadiff_summary_results',
      'GET',
      `${DIFFS}/${record.id}/summary_results`,
    );
    expect(results.json.error.error_type).toBe('TimeoutError');
    // The query's process was killed, not left spinning in SQLite.
    for (let i = 0; i < 50 && datadiffProcessCount() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(datadiffProcessCount()).toBe(0);
  });
});
