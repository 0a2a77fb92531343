import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { build, call, COMPARE } from '../helpers/app.js';

let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

const BH = 'main..feature/add-labels';
const file = (path: string, query = '') =>
  call(app, 'file_real', 'GET', `${COMPARE}/file/${BH}/${path}${query}`);

describe('file diff', () => {
  it('serves both spellings identically and reads feature/add-labels as the head branch', async () => {
    const real = await file('README.md');
    const documented = await call(app, 'file', 'GET', `${COMPARE}/${BH}/file/README.md`);
    expect(real.statusCode).toBe(200);
    expect(documented.body).toBe(real.body);
    expect(Object.keys(real.json)).toEqual(['status', 'status_message', 'oxen_version', 'compare']);
  });

  it('gives text context hunks with separators and file names', async () => {
    const { json } = await file('README.md');
    const { diff } = json.compare;
    expect(Object.keys(diff)).toEqual(['lines', 'filename1', 'filename2']);
    expect([diff.filename1, diff.filename2]).toEqual(['README.md', 'README.md']);
    expect(diff.lines.filter((l: any) => l.text === '...' && l.modification === 'Unchanged')).toHaveLength(3);
    expect(diff.lines.filter((l: any) => l.modification === 'Added').map((l: any) => l.text)).toEqual([
      'A small repository for trying the Oxen compare API offline.',
      '- models: model weights',
      '- data/validation: validation samples by quarter',
      'Labels are one of cat, dog, bird or fish.',
      '- v2: added labels and a reviewer column',
    ]);
    expect(json.compare.diff_summary).toBeNull();
  });

  it('shows a removed file as all Removed lines', async () => {
    const { json } = await file('data/old/legacy.txt');
    expect(json.compare.status).toBe('removed');
    expect(json.compare.diff).toEqual({
      lines: [
        { modification: 'Removed', text: 'old notes' },
        { modification: 'Removed', text: 'kept for history' },
        { modification: 'Removed', text: '' },
      ],
      filename1: 'legacy.txt',
      filename2: null,
    });
  });

  it('calls an unchanged file modified, with no lines; non-UTF-8 text and binaries have diff null', async () => {
    const latin = await file('notes/encoding/latin1.txt');
    expect(latin.json.compare.status).toBe('modified');
    expect(latin.json.compare.data_type).toBe('binary');
    expect(latin.json.compare.diff).toBeNull();
    const weights = await file('models/weights.bin');
    expect(weights.json.compare.data_type).toBe('binary');
    expect(weights.json.compare.head_entry.mime_type).toBe('application/octet-stream');
    expect(weights.json.compare.diff).toBeNull();
    const image = await file('data/test/images/cat.png');
    expect(image.json.compare.diff).toBeNull();
    expect(image.json.compare.head_entry.mime_type).toBe('image/png');
  });

  it('diffs a CSV by whole-row hash: duplicates collapse, modified rows are removed+added', async () => {
    const { json } = await file('data/train/labels.csv');
    const t = json.compare.diff.tabular;
    expect(t.summary).toEqual({
      num_added_rows: 4,
      num_added_cols: 0,
      num_removed_rows: 4,
      num_removed_cols: 0,
      schema_has_changed: false,
    });
    expect(json.compare.diff_summary).toEqual({ tabular: t.summary });
    expect(t.added_rows.data.map((r: any) => r.id)).toEqual([7, 15, 21, 22]);
    expect(t.removed_rows.data.map((r: any) => r.id)).toEqual([4, 7, 11, 15]);
    expect(t.added_rows.data[0]).toEqual({ id: 7, file: 'img_007.png', label: 'bird', score: 0.49 });
    expect(t.head_schema.fields.map((f: any) => `${f.name}:${f.dtype}`)).toEqual([
      'id:i64',
      'file:str',
      'label:str',
      'score:f64',
    ]);
    expect(t.added_cols).toBeNull();
  });

  it('pages added rows', async () => {
    const { json } = await file('data/train/labels.csv', '?page=2&page_size=3');
    const t = json.compare.diff.tabular;
    expect(t.added_rows.data.map((r: any) => r.id)).toEqual([22]);
    expect(t.added_rows.full_size).toEqual({ height: 4, width: 4 });
    expect(t.added_rows_view.pagination).toEqual({
      page_size: 3,
      page_number: 2,
      total_pages: 2,
      total_entries: 4,
    });
  });

  it('reports a schema change with added columns and rows hashed on the common columns', async () => {
    const { json } = await file('data/train/annotations.csv');
    const t = json.compare.diff.tabular;
    expect(t.summary).toMatchObject({ num_added_cols: 1, num_removed_cols: 0, schema_has_changed: true });
    expect(t.added_cols.schema.fields.map((f: any) => f.name)).toEqual(['reviewer']);
    expect(t.added_rows).toBeNull();
    // img_005 changed y, img_009 is new; img_002 is gone and img_005's old row too.
    expect(t.added_rows_view.data.map((r: any) => r.image)).toEqual(['img_005.png', 'img_009.png']);
    expect(t.removed_rows_view.data.map((r: any) => r.image)).toEqual(['img_002.png', 'img_005.png']);
  });

  it('shows an added CSV whole', async () => {
    const { json } = await file('data/validation/2025/q1/samples.csv');
    const t = json.compare.diff.tabular;
    expect(t.base_schema).toBeNull();
    expect(t.summary).toEqual({
      num_added_rows: 3,
      num_added_cols: 3,
      num_removed_rows: 0,
      num_removed_cols: 0,
      schema_has_changed: true,
    });
    expect(t.added_rows.data[2]).toEqual({ id: 3, text: null, label: 'bird' });
  });
});
