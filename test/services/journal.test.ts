import { describe, expect, it } from 'vitest';
import { JOURNAL_LIMIT, RequestJournal } from '../../src/services/journal.js';

const entry = (i: number) => ({
  method: i % 2 === 0 ? 'GET' : 'POST',
  url: `/api/x/${i}`,
  status: 200,
  duration_ms: 1,
  atMs: Date.UTC(2026, 10, 21) + i,
});
const STATUSES = [200, 404, 503];
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('the request journal', () => {
  it('keeps the newest JOURNAL_LIMIT requests, oldest first, across clears', () => {
    const journal = new RequestJournal();
    for (const i of range(0, JOURNAL_LIMIT + 5)) journal.record(entry(i));
    expect(journal.list().map((e) => e.id)).toEqual(range(6, JOURNAL_LIMIT + 6));
    expect(journal.list({ method: 'post' }).map((e) => e.path)).toEqual(
      range(5, JOURNAL_LIMIT + 5)
        .filter((i) => i % 2 === 1)
        .map((i) => `/api/x/${i}`),
    );
    journal.clear();
    expect(journal.list()).toEqual([]);
    for (const i of range(0, 3)) journal.record(entry(i));
    // Read back as the admin API sends an entry: its fields in order, its time as ISO text.
    expect(journal.list()[1]).toEqual({
      id: JOURNAL_LIMIT + 7,
      method: 'POST',
      path: '/api/x/1',
      query: '',
      status: 200,
      duration_ms: 1,
      at: '2026-11-21T00:00:00.001Z',
    });
    expect(Object.keys(journal.list()[1]!)).toEqual([
      'id',
      'method',
      'path',
      'query',
      'status',
      'duration_ms',
      'at',
    ]);
    const afterClear = JOURNAL_LIMIT + 6;
    expect(journal.list().map((e) => e.id)).toEqual(range(afterClear, afterClear + 3));
    for (const i of range(3, JOURNAL_LIMIT + 7)) journal.record(entry(i));
    expect(journal.list().map((e) => e.id)).toEqual(range(afterClear + 7, afterClear + JOURNAL_LIMIT + 7));
  });

  it('splits each URL into its path and query, however many URLs there were', () => {
    const journal = new RequestJournal();
    const urls = Array.from(
      { length: 5 * JOURNAL_LIMIT },
      (_, i) => `/api/y/${i % 450}?page=${i % 11}&q=a%3Fb`,
    );
    for (const [i, url] of urls.entries())
      journal.record({ method: 'GET', url, status: STATUSES[i % 3]!, duration_ms: i / 1000, atMs: i });
    const listed = journal.list();
    expect(listed).toHaveLength(JOURNAL_LIMIT);
    expect(listed.map((e) => `${e.path}?${e.query}`)).toEqual(urls.slice(-JOURNAL_LIMIT));
    const last = urls.length - 1;
    expect(listed.at(-1)).toMatchObject({
      id: urls.length,
      path: `/api/y/${last % 450}`,
      query: `page=${last % 11}&q=a%3Fb`,
      status: STATUSES[last % 3],
      duration_ms: last / 1000,
      at: new Date(last).toISOString(),
    });
    expect(journal.list({ path: '/api/y/44*' }).map((e) => e.id)).toEqual(
      listed.filter((e) => e.path.startsWith('/api/y/44')).map((e) => e.id),
    );
  });
});
