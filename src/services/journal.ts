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

export class RequestJournal {
  private entries: JournalEntry[] = [];
  private next = 1;

  record(entry: Omit<JournalEntry, 'id'>): void {
    this.entries.push({ id: this.next++, ...entry });
    if (this.entries.length > JOURNAL_LIMIT) this.entries.splice(0, this.entries.length - JOURNAL_LIMIT);
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const path = filter.path ? picomatch(filter.path, { dot: true }) : undefined;
    return this.entries.filter((e) => (!method || e.method === method) && (!path || path(e.path)));
  }

  clear(): void {
    this.entries = [];
  }
}
