// Query parameters as actix's `web::Query` + serde_urlencoded read them: page and page_size are
// usize, and a bad value is a 400 with Rust's ParseIntError text.
import type { DfQuery } from '../../engine/df-opts.js';
import { oxenError } from '../../services/oxen/errors.js';

const USIZE_MAX = 18446744073709551615n;

function parseUsize(value: string): number {
  if (value === '')
    throw oxenError({ kind: 'query-parse', message: 'cannot parse integer from empty string' });
  const digits = value.startsWith('+') ? value.slice(1) : value;
  if (!/^\d+$/.test(digits))
    throw oxenError({ kind: 'query-parse', message: 'invalid digit found in string' });
  const n = BigInt(digits);
  if (n > USIZE_MAX)
    throw oxenError({ kind: 'query-parse', message: 'number too large to fit in target type' });
  // Anything past JS's safe range is past any list we hold; it pages like a huge number.
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

/** Reads page/page_size; a repeated parameter keeps its last value, like serde_urlencoded. */
export function readPageQuery(query: Record<string, string | string[] | undefined>): PageQuery {
  const page = last(query.page);
  const pageSize = last(query.page_size);
  return {
    ...(page !== undefined && { page: parseUsize(page) }),
    ...(pageSize !== undefined && { pageSize: parseUsize(pageSize) }),
  };
}

const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);

function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw oxenError({ kind: 'query-parse', message: 'provided string was not `true` or `false`' });
}

/** The DF options of `DFOptsQuery` that the derived-frame view applies (reference §1.3). */
export function readDfQuery(query: Record<string, string | string[] | undefined>): DfQuery {
  const out: DfQuery = {};
  for (const name of ['filter', 'sort_by', 'columns', 'take', 'slice', 'sql'] as const) {
    const value = last(query[name]);
    if (value !== undefined) out[name] = value;
  }
  const reverse = last(query.reverse);
  const randomize = last(query.randomize);
  const row = last(query.row);
  if (reverse !== undefined) out.reverse = parseBool(reverse);
  if (randomize !== undefined) out.randomize = parseBool(randomize);
  if (row !== undefined) out.row = parseUsize(row);
  return out;
}
