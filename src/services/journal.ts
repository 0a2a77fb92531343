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

/** What is recorded of a request: its method, its URL (path and query), status, time and duration. */
export interface JournalRecord {
  method: string;
  url: string;
  status: number;
  duration_ms: number;
  /** When it was answered, as Date.now() gives it: written out as text when the journal is read. */
  atMs: number;
}

/** Past this many URLs kept once (urlOf), they are forgotten and kept anew. */
const MAX_URLS = 4 * JOURNAL_LIMIT;

export class RequestJournal {
  // A ring of columns, a slot a request: once full, each new request takes the place of the oldest.
  // No object is made and kept per request: an entry object kept for each of the last 1,000
  // requests outlived V8's young generation, and under load its promotion filled the old one (a
  // full collection every 1.4 s, pausing 2-6 ms, while cached answers were served; none with no
  // journal: --trace-gc, by hand).
  private readonly methods: string[] = new Array<string>(JOURNAL_LIMIT).fill('');
  private readonly urls: string[] = new Array<string>(JOURNAL_LIMIT).fill('');
  private readonly statuses = new Uint16Array(JOURNAL_LIMIT);
  private readonly durations = new Float64Array(JOURNAL_LIMIT);
  private readonly times = new Float64Array(JOURNAL_LIMIT);
  /**
   * Each URL once: a request's own copy of its URL, kept in the ring, would outlive the young
   * generation too, where the copy of an earlier request with that URL is old already.
   */
  private readonly urlOf = new Map<string, string>();
  private next = 1;
  /** The id of the first entry since the last clear, which sits in slot 0. */
  private first = 1;

  record({ method, url, status, duration_ms, atMs }: JournalRecord): void {
    const slot = (this.next++ - this.first) % JOURNAL_LIMIT;
    let kept = this.urlOf.get(url);
    if (kept === undefined) {
      if (this.urlOf.size >= MAX_URLS) this.urlOf.clear();
      this.urlOf.set(url, url);
      kept = url;
    }
    this.methods[slot] = method;
    this.urls[slot] = kept;
    this.statuses[slot] = status;
    this.durations[slot] = duration_ms;
    this.times[slot] = atMs;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const matches = filter.path ? picomatch(filter.path, { dot: true }) : undefined;
    const entries: JournalEntry[] = [];
    for (let id = Math.max(this.first, this.next - JOURNAL_LIMIT); id < this.next; id++) {
      const slot = (id - this.first) % JOURNAL_LIMIT;
      const url = this.urls[slot]!;
      const at = url.indexOf('?');
      const path = at < 0 ? url : url.slice(0, at);
      if ((method && this.methods[slot] !== method) || (matches && !matches(path))) continue;
      entries.push({
        id,
        method: this.methods[slot]!,
        path,
        query: at < 0 ? '' : url.slice(at + 1),
        status: this.statuses[slot]!,
        duration_ms: this.durations[slot]!,
        at: new Date(this.times[slot]!).toISOString(),
      });
    }
    return entries;
  }

  clear(): void {
    this.first = this.next;
  }
}
