import { describe, expect, it } from 'vitest';
import { JOURNAL_LIMIT, RequestJournal } from '../../src/services/journal.js';

const entry = (i: number) => ({
  method: i % 2 === 0 ? 'GET' : 'POST',
  path: `/api/x/${i}`,
  query: '',
  status: 200,
  duration_ms: 1,
  atMs: Date.UTC(2026, 10, 21) + i,
});
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
});
