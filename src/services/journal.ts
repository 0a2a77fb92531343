// The request journal: the API requests the server answered, newest last, for tests to assert on
// (`GET /_mock/requests`, `startMockServer().requests()`). Bounded, so a long session cannot grow it
// without end.
import picomatch from 'picomatch';

export interface JournalEntry {
  id: number;
  method: string;
  path: string;
  query: string;
  status: number;
  duration_ms: number;
  at: string;
}

export interface JournalFilter {
  method?: string;
  /** A glob over the path: `*` within a segment, `**` across segments. */
  path?: string;
}

export const JOURNAL_LIMIT = 1000;

/** What is recorded of a request: an entry without its id, its time as a number (Date.now()). */
export type JournalRecord = Omit<JournalEntry, 'id' | 'at'> & { atMs: number };

export class RequestJournal {
  /**
   * A ring: once full, each new entry takes the place of the oldest. Times are written out as text
   * when the journal is read, not for every request.
   */
  private entries: Array<JournalRecord & { id: number }> = [];
  private next = 1;
  /** The id of the first entry since the last clear, which sits at index 0. */
  private first = 1;

  record(entry: JournalRecord): void {
    const id = this.next++;
    const { method, path, query, status, duration_ms, atMs } = entry;
    this.entries[(id - this.first) % JOURNAL_LIMIT] = { id, method, path, query, status, duration_ms, atMs };
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const path = filter.path ? picomatch(filter.path, { dot: true }) : undefined;
    const oldest = (this.next - this.first) % JOURNAL_LIMIT;
    const inOrder =
      this.entries.length < JOURNAL_LIMIT
        ? this.entries
        : [...this.entries.slice(oldest), ...this.entries.slice(0, oldest)];
    return inOrder
      .filter((e) => (!method || e.method === method) && (!path || path(e.path)))
      .map(({ id, method, path, query, status, duration_ms, atMs }) => ({
        id,
        method,
        path,
        query,
        status,
        duration_ms,
        at: new Date(atMs).toISOString(),
      }));
  }

  clear(): void {
    this.entries = [];
    this.first = this.next;
  }
}
