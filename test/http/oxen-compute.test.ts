import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { BUNDLED_DATA } from '../../src/config.js';
import { openDatabase } from '../../src/storage/db.js';
import { COMPARE, LABELS_COMPARE, LARGE_COMPARE, LARGE_FRAMES, call } from '../helpers/app.js';

// The same requests answered by an app that sends every diff to its worker threads and by one that
// computes everything inline must be byte for byte the same; and a big compare in a worker must
// leave the event loop free for other requests.
let workers: App;
let inline: App;
const start = (inlineBelowBytes: number) =>
  buildApp({
    config: { data: BUNDLED_DATA, logLevel: 'silent' },
    db: openDatabase(':memory:'),
    compute: { inlineBelowBytes, threads: 1 },
  });
beforeAll(async () => {
  [workers, inline] = await Promise.all([start(0), start(Number.MAX_SAFE_INTEGER)]);
});
afterAll(async () => {
  await Promise.all([workers.app.close(), inline.app.close()]);
});

const compare = { ...LABELS_COMPARE, compare_id: 'w' };

describe('the compute pool', () => {
  it.each([
    ['a text file diff', 'file_real', 'GET', `${COMPARE}/file/main..feature/add-labels/README.md`, undefined],
    [
      'a tabular file diff',
      'file_real',
      'GET',
      `${COMPARE}/file/main..feature/add-labels/data/train/labels.csv`,
      undefined,
    ],
    ['a keyed compare', 'create_df_diff', 'POST', `${COMPARE}/data_frames`, compare],
  ] as const)('gives the same answer for %s in a worker as inline', async (_n, op, method, url, payload) => {
    const a = await call(workers, op, method, url, payload);
    const b = await call(inline, op, method, url, payload);
    expect(a.statusCode).toBe(200);
    expect(a.body).toBe(b.body);
  });

  it('keeps the event loop turning while a 100,000-row compare runs in a worker', async () => {
    // Inline, the parse and join hold the loop for most of the request; in a worker they do not.
    // The longest gap between two ticks of a 5 ms timer shows which happened.
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const res = await call(workers, 'create_df_diff', 'POST', LARGE_FRAMES, LARGE_COMPARE);
    const compareMs = performance.now() - t0;
    clearInterval(ticker);
    expect(res.statusCode).toBe(200);
    expect(longestGap).toBeLessThan(compareMs / 4);
  });
});
