// The list endpoint's query (reference §7): page, page_size, sort_order, order_by, and a filter on any
// of the 50 ApiSortFilters names with comma-separated alternatives and the seed's date syntax:
// `<D` before D, `>D` after D, a bare DATE (that day) or DATETIME (that minute), `D1<<D2` from D1 to
// the end of D2. Times are UTC. A value the field cannot hold is a 422, as FastAPI would give for a
// declared parameter.
import { SORT_FIELDS } from '../../storage/datafold-fields.js';
import type { ListQuery, Match } from '../../storage/datafold-store.js';
import { DatafoldError, type ValidationItem } from './errors.js';
import { isoOf, parseIso } from './records.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;
const MINUTE = 60_000;
const BOOL_TRUE = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const BOOL_FALSE = new Set(['false', 'f', 'no', 'n', 'off', '0']);

type Query = Record<string, string | string[] | undefined>;
const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
const quoteList = (values: string[]) =>
  values.length > 1
    ? `${values
        .slice(0, -1)
        .map((v) => `'${v}'`)
        .join(', ')} or '${values[values.length - 1]}'`
    : `'${values[0]}'`;

/** The instants a date term covers: [start, end). */
function spanOf(text: string): { start: number; end: number } | null {
  const start = parseIso(text);
  if (start === null) return null;
  return { start, end: start + (DATE_ONLY.test(text.trim()) ? DAY : MINUTE) };
}

function dateMatch(value: string): Match | null {
  const between = value.split('<<');
  if (between.length === 2) {
    const from = spanOf(between[0]!);
    const to = spanOf(between[1]!);
    return from && to ? { op: 'range', from: isoOf(from.start), to: isoOf(to.end) } : null;
  }
  if (value.startsWith('<')) {
    const span = spanOf(value.slice(1));
    return span && { op: 'range', to: isoOf(span.start) };
  }
  if (value.startsWith('>')) {
    const span = spanOf(value.slice(1));
    // Strictly after: one microsecond on, the stored precision.
    return span && { op: 'range', from: isoOf(span.start + 0.001) };
  }
  const span = spanOf(value);
  return span && { op: 'range', from: isoOf(span.start), to: isoOf(span.end) };
}

function intOf(text: string): number | null {
  return /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : null;
}

export const ORDER_BY = Object.keys(SORT_FIELDS);

/** Reads the list query, or throws a 422 with one item per bad parameter. */
export function readListQuery(query: Query): ListQuery & { page: number } {
  const errors: ValidationItem[] = [];
  const bad = (name: string, type: string, msg: string, input: string, ctx?: Record<string, unknown>) =>
    errors.push({ type, loc: ['query', name], msg, input, ...(ctx && { ctx }) });
  const int = (name: string, fallback: number) => {
    const raw = last(query[name]);
    if (raw === undefined) return fallback;
    const n = intOf(raw);
    if (n === null)
      bad(name, 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer', raw);
    return n ?? fallback;
  };
  const page = int('page', 1);
  const pageSize = int('page_size', 100);
  const sortOrder = last(query.sort_order) ?? 'asc';
  if (!['asc', 'desc'].includes(sortOrder))
    bad('sort_order', 'enum', "Input should be 'asc' or 'desc'", sortOrder, { expected: "'asc' or 'desc'" });
  const orderBy = last(query.order_by) ?? 'id';
  if (!ORDER_BY.includes(orderBy))
    bad('order_by', 'enum', `Input should be ${quoteList(ORDER_BY)}`, orderBy, {
      expected: quoteList(ORDER_BY),
    });

  const where: ListQuery['where'] = [];
  for (const [name, field] of Object.entries(SORT_FIELDS)) {
    const raw = last(query[name]);
    if (raw === undefined || name === 'order_by') continue;
    const anyOf: Match[] = [];
    for (const value of raw.split(',')) {
      const text = value.trim();
      switch (field.kind) {
        case 'int':
        case 'number': {
          const n = field.kind === 'int' ? intOf(text) : text === '' ? null : Number(text);
          if (n === null || Number.isNaN(n)) {
            if (field.kind === 'int')
              bad(
                name,
                'int_parsing',
                'Input should be a valid integer, unable to parse string as an integer',
                raw,
              );
            else
              bad(
                name,
                'float_parsing',
                'Input should be a valid number, unable to parse string as a number',
                raw,
              );
          } else anyOf.push({ op: 'eq', value: n });
          break;
        }
        case 'bool': {
          const lower = text.toLowerCase();
          if (BOOL_TRUE.has(lower) || BOOL_FALSE.has(lower))
            anyOf.push({ op: 'eq', value: BOOL_TRUE.has(lower) ? 1 : 0 });
          else bad(name, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input', raw);
          break;
        }
        case 'enum':
          if (field.values!.includes(text)) anyOf.push({ op: 'eq', value: text });
          else
            bad(name, 'enum', `Input should be ${quoteList(field.values!)}`, raw, {
              expected: quoteList(field.values!),
            });
          break;
        case 'date': {
          const match = dateMatch(text);
          if (match) anyOf.push(match);
          else
            bad(
              name,
              'value_error',
              `Value error, '${text}' is not a date filter: use DATE, DATETIME, <D, >D or D1<<D2`,
              raw,
              {
                error: {},
              },
            );
          break;
        }
        case 'list':
          anyOf.push({ op: 'element', value: text });
          break;
        case 'path':
          anyOf.push({ op: 'path', value: text });
          break;
        default:
          anyOf.push({ op: 'eq', value: text });
      }
    }
    if (anyOf.length > 0) where.push({ field: name, anyOf });
  }
  if (errors.length > 0) throw new DatafoldError({ kind: 'validation', items: errors });
  // Python's ints are unbounded; ours stop at 2^53 - 1 (SQLite binds no more as an integer), and page
  // and page_size below 1 count as 1.
  const clamp = (n: number) => Math.min(Math.max(n, 1), Number.MAX_SAFE_INTEGER);
  const size = clamp(pageSize);
  const pageNumber = clamp(page);
  return {
    where,
    orderBy,
    descending: sortOrder === 'desc',
    offset: Math.min((pageNumber - 1) * size, Number.MAX_SAFE_INTEGER),
    limit: size,
    page: pageNumber,
  };
}
