// Fault rules for API requests (`POST /_mock/faults`): a matching request gets a status with the
// vendor's error body, a delay, or a dropped connection, for the next `times` matches (or always).
import picomatch from 'picomatch';
import { DocumentError } from './document-error.js';

export interface FaultRule {
  id: number;
  match: { method?: string; path: string };
  status?: number;
  delay_ms?: number;
  drop_connection?: boolean;
  /** Matches left; null = every match. */
  times: number | null;
}

export type FaultAction = Pick<FaultRule, 'status' | 'delay_ms' | 'drop_connection'>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A status a fault can answer with: a final one. A 1xx status sent as the answer leaves the client
 * waiting for the final one, and Fastify throws on one outside 100-599 (an answer of 500).
 */
const isFinalStatus = (status: unknown): status is number =>
  Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 599;

export class FaultRules {
  private rules: Array<FaultRule & { test: (path: string) => boolean }> = [];
  private next = 1;

  /** Adds a rule from an untrusted document; throws DocumentError naming the bad field. */
  add(doc: unknown): FaultRule {
    if (!isObject(doc)) throw new DocumentError('the fault must be a JSON object');
    const match = doc.match;
    if (!isObject(match) || typeof match.path !== 'string' || match.path === '')
      throw new DocumentError('match.path must be a glob such as /api/v1/datadiffs/*');
    if (match.method !== undefined && typeof match.method !== 'string')
      throw new DocumentError('match.method must be a string');
    const status = doc.status;
    if (status !== undefined && !isFinalStatus(status))
      throw new DocumentError('status must be an HTTP status code from 200 to 599');
    const delay = doc.delay_ms;
    if (
      delay !== undefined &&
      (!Number.isInteger(delay) || (delay as number) < 0 || (delay as number) > 600_000)
    )
      throw new DocumentError('delay_ms must be an integer from 0 to 600000');
    if (doc.drop_connection !== undefined && typeof doc.drop_connection !== 'boolean')
      throw new DocumentError('drop_connection must be a boolean');
    if (status === undefined && delay === undefined && !doc.drop_connection)
      throw new DocumentError('give status, delay_ms or drop_connection');
    const times = doc.times;
    if (times !== undefined && times !== null && (!Number.isInteger(times) || (times as number) < 1))
      throw new DocumentError('times must be a positive integer');
    const rule: FaultRule = {
      id: this.next++,
      match: {
        ...(match.method !== undefined && { method: (match.method as string).toUpperCase() }),
        path: match.path,
      },
      ...(status !== undefined && { status: status as number }),
      ...(delay !== undefined && { delay_ms: delay as number }),
      ...(doc.drop_connection === true && { drop_connection: true }),
      times: (times as number | undefined) ?? null,
    };
    this.rules.push({ ...rule, test: picomatch(match.path, { dot: true }) });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map(({ test: _test, ...rule }) => rule);
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching the request, used up by one; undefined when none does. */
  take(method: string, path: string): FaultAction | undefined {
    const rule = this.rules.find((r) => (!r.match.method || r.match.method === method) && r.test(path));
    if (!rule) return undefined;
    if (rule.times !== null && --rule.times === 0) this.rules = this.rules.filter((r) => r !== rule);
    return { status: rule.status, delay_ms: rule.delay_ms, drop_connection: rule.drop_connection };
  }
}

/**
 * Prism-style per-request faults: `Prefer: code=404, delay=250`. A code that is no final status
 * (`code=100`, `code=999`) is ignored, as RFC 7240 has a server ignore a preference it cannot honour.
 */
export function preferOf(header: string | undefined): FaultAction | undefined {
  if (!header) return undefined;
  const code = /(?:^|[,;\s])code=(\d{3})\b/.exec(header);
  const status = code && Number(code[1]);
  const delay = /(?:^|[,;\s])delay=(\d+)\b/.exec(header);
  if (!isFinalStatus(status) && !delay) return undefined;
  return {
    ...(isFinalStatus(status) && { status }),
    ...(delay && { delay_ms: Math.min(Number(delay[1]), 600_000) }),
  };
}
