import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { openDatabase } from '../../src/storage/db.js';
import { call } from '../helpers/app.js';

describe('a file database', () => {
  it('keeps created repositories and compares across a restart, without reloading fixtures over them', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'diffmock-db-')), 'state.db');
    const start = async () =>
      buildApp({ config: { data: BUNDLED_DATA, logLevel: 'silent' }, db: openDatabase(file) });

    const first = await start();
    const created = await first.app.inject({
      method: 'POST',
      url: '/_mock/oxen/repos',
      payload: {
        namespace: 'keep',
        name: 'me',
        commits: [{ files: { 'a.csv': 'id,v\n1,2\n' } }, { branch: 'b', files: { 'a.csv': 'id,v\n1,3\n' } }],
      },
    });
    expect(created.statusCode).toBe(201);
    await first.app.inject({ method: 'DELETE', url: '/_mock/oxen/repos/ox/large-table' });
    const compare = {
      compare_id: 'kept',
      left: { path: 'a.csv', version: 'main' },
      right: { path: 'a.csv', version: 'b' },
      keys: [{ left: 'id', right: 'id' }],
      compare: [],
      display: [],
    };
    expect(
      (await call(first, 'create_df_diff', 'POST', '/api/repos/keep/me/compare/data_frames', compare))
        .statusCode,
    ).toBe(200);
    await first.app.close();

    const second = await start();
    const derived = await call(
      second,
      'get_derived_df',
      'GET',
      '/api/repos/keep/me/compare/data_frames/kept/diff',
    );
    expect(derived.json.data_frame.view.data).toEqual([
      { id: 1, 'v.left': 2, 'v.right': 3, _oxen_diff_status: 'modified' },
    ]);
    // The deleted fixture stays deleted: fixtures load only into an empty database.
    expect(
      (await call(second, 'entries_real', 'GET', '/api/repos/ox/large-table/compare/entries/main..main'))
        .statusCode,
    ).toBe(404);
    await second.app.close();
  });
});
