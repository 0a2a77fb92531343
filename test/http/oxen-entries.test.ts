import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { build, call, COMPARE } from '../helpers/app.js';

let app: App;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

const BH = 'main..feature/add-labels';

describe('entries', () => {
  it('serves the real and the documented spelling with identical answers', async () => {
    const real = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}`);
    const documented = await call(app, 'entries', 'GET', `${COMPARE}/${BH}/entries`);
    expect(real.statusCode).toBe(200);
    expect(documented.body).toBe(real.body);
    expect(real.headers['oxen-version']).toBe('0.50.0');
  });

  it('lists changed dirs first, then files, with file-only counts and envelope key order', async () => {
    const { json } = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}`);
    expect(Object.keys(json)).toEqual([
      'status',
      'status_message',
      'oxen_version',
      'page_size',
      'page_number',
      'total_pages',
      'total_entries',
      'compare',
    ]);
    const names = json.compare.entries.map((e: any) => `${e.is_dir ? 'd' : 'f'}:${e.status}:${e.filename}`);
    expect(names).toEqual([
      'd:modified:data',
      'd:removed:data/old',
      'd:modified:data/test',
      'd:modified:data/test/images',
      'd:modified:data/train',
      'd:added:data/validation',
      'd:added:data/validation/2025',
      'd:added:data/validation/2025/q1',
      'd:modified:models',
      'd:modified:notes',
      'f:modified:README.md',
      'f:removed:data/old/legacy.txt',
      'f:added:data/test/images/dog.png',
      'f:modified:data/train/annotations.csv',
      'f:modified:data/train/labels.csv',
      'f:added:data/validation/2025/q1/samples.csv',
      'f:modified:models/weights.bin',
      'f:modified:notes/todo.txt',
    ]);
    expect(json.compare.counts).toEqual({ added: 2, removed: 1, modified: 5 });
    expect(json.total_entries).toBe(18);
  });

  it('describes file entries as 0.50.0 does: base names, compare commits, naive tabular summaries', async () => {
    const { json } = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}`);
    const labels = json.compare.entries.find((e: any) => e.filename === 'data/train/labels.csv');
    expect(Object.keys(labels)).toEqual([
      'status',
      'data_type',
      'filename',
      'is_dir',
      'size',
      'head_resource',
      'base_resource',
      'head_entry',
      'base_entry',
      'diff_summary',
      'diff',
    ]);
    expect(labels.head_entry.filename).toBe('labels.csv');
    expect(labels.head_entry.latest_commit.id).toBe(json.compare.head_commit.id);
    expect(labels.base_resource.resource).toBe(`${json.compare.base_commit.id}/data/train/labels.csv`);
    expect(labels.head_entry.mime_type).toBe('text/plain');
    expect(labels.head_entry.extension).toBe('csv');
    // 20 rows before; 2 removed, 1 duplicated, 2 added: 21 rows after.
    expect(labels.diff_summary).toEqual({
      tabular: {
        num_added_rows: 1,
        num_added_cols: 0,
        num_removed_rows: 0,
        num_removed_cols: 0,
        schema_has_changed: false,
      },
    });
    const dog = json.compare.entries.find((e: any) => e.filename === 'data/test/images/dog.png');
    expect(dog.data_type).toBe('image');
    expect(dog.base_entry).toBeNull();
    expect(dog.head_entry.metadata).toEqual({ image: { width: 6, height: 5, color_space: 'RGB' } });
    const validation = json.compare.entries.find((e: any) => e.filename === 'data/validation');
    expect(validation.diff_summary).toEqual({ dir: { file_counts: { added: 1, removed: 0, modified: 0 } } });
    const data = json.compare.entries.find((e: any) => e.filename === 'data');
    expect(data.diff_summary.dir.file_counts).toEqual({ added: 2, removed: 1, modified: 2 });
  });

  it('answers the root self entry, and null when nothing changed', async () => {
    const { json } = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}`);
    expect(json.compare.self.filename).toBe('');
    expect(json.compare.self.status).toBe('modified');
    expect(json.compare.self.head_resource.resource).toBe(`${json.compare.head_commit.id}/`);
    expect(json.compare.self.head_entry.metadata.dir.data_types.length).toBeGreaterThan(0);
    const same = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/main..main`);
    expect(same.json.compare.self).toBeNull();
    expect([
      same.json.page_size,
      same.json.page_number,
      same.json.total_pages,
      same.json.total_entries,
    ]).toEqual([0, 1, 0, 0]);
  });

  it.each([
    [
      'page 2 of 5',
      '?page=2&page_size=5',
      { page_size: 5, page_number: 2, total_pages: 4, total_entries: 18 },
      5,
    ],
    [
      'past the end answers page_size 0',
      '?page=9&page_size=5',
      { page_size: 0, page_number: 9, total_pages: 4, total_entries: 18 },
      0,
    ],
    [
      'page 0 reads page 1 but echoes 0',
      '?page=0&page_size=5',
      { page_size: 5, page_number: 0, total_pages: 4, total_entries: 18 },
      5,
    ],
    [
      'a huge page_size',
      '?page_size=1000000000',
      { page_size: 1000000000, page_number: 1, total_pages: 1, total_entries: 18 },
      18,
    ],
  ])('pages: %s', async (_name, query, paging, count) => {
    const { json } = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}${query}`);
    expect({
      page_size: json.page_size,
      page_number: json.page_number,
      total_pages: json.total_pages,
      total_entries: json.total_entries,
    }).toEqual(paging);
    expect(json.compare.entries).toHaveLength(count);
  });

  it('writes usize::MAX total_pages for page_size=0 like 0.50.0', async () => {
    const res = await app.app.inject(`${COMPARE}/entries/${BH}?page_size=0`);
    expect(res.body).toContain('"total_pages":18446744073709551615');
    expect(JSON.parse(res.body).compare.entries).toEqual([]);
  });

  it('lists a directory with both spellings, full paths kept', async () => {
    const real = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}/dir/data/train`);
    const documented = await call(app, 'dir_entries', 'GET', `${COMPARE}/${BH}/dir/data/train/entries`);
    expect(documented.body).toBe(real.body);
    expect(real.json.compare.entries.map((e: any) => e.filename)).toEqual([
      'data/train/annotations.csv',
      'data/train/labels.csv',
    ]);
    expect(real.json.compare.self.filename).toBe('data/train');
    const missing = await call(app, 'entries_real', 'GET', `${COMPARE}/entries/${BH}/dir/nope`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json.error.detail).toBe(
      'Could not calculate dir diff tree: dir does not exist in either commit.',
    );
  });
});

describe('commits and dir_tree', () => {
  it('walks head back to base, base included, newest first', async () => {
    const { json } = await call(app, 'commits', 'GET', `${COMPARE}/commits/${BH}`);
    expect(json.compare.commits.map((c: any) => c.message)).toEqual([
      'Add labels, a reviewer column and validation samples',
      'Fix typos in the README',
    ]);
    const all = await call(app, 'commits', 'GET', `${COMPARE}/commits/HEAD..feature/add-labels`);
    expect(all.json.total_entries).toBe(2);
  });

  it('groups changed directories by parent', async () => {
    const { json } = await call(app, 'dir_tree', 'GET', `${COMPARE}/dir_tree/${BH}`);
    expect(Object.keys(json)[0]).toBe('dirs');
    const root = json.dirs.find((d: any) => d.name === '');
    expect(root.children.map((c: any) => c.name)).toEqual(['data', 'models', 'notes']);
    const data = json.dirs.find((d: any) => d.name === 'data');
    expect(data.children).toEqual([
      { name: 'data/old', status: 'removed' },
      { name: 'data/test', status: 'modified' },
      { name: 'data/train', status: 'modified' },
      { name: 'data/validation', status: 'added' },
    ]);
    expect(data.can_display).toBe(false);
  });
});
