// GET answers of the Oxen API depend only on the stored repositories and compares, and those change
// only through a request that is not a GET (the admin API, compare writes) or a fixture reload. So an
// answer is kept by URL until the next such change and sent again as the very same bytes: nothing is
// recomputed, re-serialized or even encoded again, and response validation (which remembers the
// answers it has checked) costs nothing either.
import type { FastifyInstance, FastifyRequest } from 'fastify';

export class ResponseCache {
  private generation = 0;
  private readonly entries = new Map<string, Buffer>();

  constructor(
    private readonly maxEntries = 512,
    /** Larger answers (a big page of a file diff) are recomputed rather than kept. */
    private readonly maxLength = 1 << 20,
  ) {}

  /** The state changed (or is about to): forget every answer. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Read before computing an answer, and hand back to `set`. */
  get current(): number {
    return this.generation;
  }

  get(url: string): Buffer | undefined {
    return this.entries.get(url);
  }

  /** Keeps an answer, unless the state changed since `generation` was read. */
  set(url: string, generation: number, payload: string): void {
    if (generation !== this.generation || payload.length > this.maxLength) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(url, Buffer.from(payload));
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cache for `app`'s answers. Any request but a read may change them: they are forgotten when one
 * arrives and again once it is answered (so a read computed meanwhile is not kept).
 */
export function answerCache(app: FastifyInstance): ResponseCache {
  const cache = new ResponseCache();
  const forget = async (req: FastifyRequest) => {
    if (!READS.has(req.method)) cache.invalidate();
  };
  app.addHook('onRequest', forget);
  app.addHook('onResponse', forget);
  return cache;
}
