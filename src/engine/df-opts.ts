// The DF options of oxen's derived-frame view (`DFOptsQuery`, reference §1.3 and §6.7): parsing the
// query strings, checking them against the frame's columns, and the `opts` list echoed back.
// Order of application, as liboxen's transform does it: filter, sort_by, reverse, columns, take,
// then slice (or row), then the page.

export type FilterOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export interface FilterTerm {
  column: string;
  op: FilterOp;
  value: number | string;
}
export interface Filter {
  terms: FilterTerm[];
  /** One fewer than terms; applied left to right without precedence, as polars chains them. */
  joins: Array<'&&' | '||'>;
}

export interface DfQuery {
  filter?: string;
  sort_by?: string;
  reverse?: boolean;
  randomize?: boolean;
  columns?: string;
  take?: string;
  slice?: string;
  row?: number;
  sql?: string;
}

/** The options, checked and typed, ready to run over stored rows. */
export interface DfPlan {
  filter?: Filter;
  sortBy?: string;
  reverse: boolean;
  columns?: string[];
  take?: number[];
  slice?: { start: number; end: number };
}

export type PlanResult = { ok: true; plan: DfPlan } | { ok: false; error: string };

const OPS: FilterOp[] = ['==', '!=', '>=', '<=', '>', '<'];

interface RawTerm {
  column: string;
  op: FilterOp;
  value: string;
}

function parseTerm(text: string): RawTerm | null {
  for (const op of OPS) {
    const at = text.indexOf(op);
    if (at < 0) continue;
    const column = text.slice(0, at).trim();
    const value = text
      .slice(at + op.length)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    return column === '' ? null : { column, op, value };
  }
  return null;
}

/** `a == 1 && b != x || c > 2`; null when it does not parse (oxen then logs it and ignores it). */
export function parseFilter(text: string): { terms: RawTerm[]; joins: Filter['joins'] } | null {
  const pieces = text.split(/(&&|\|\|)/);
  const terms: RawTerm[] = [];
  const joins: Array<'&&' | '||'> = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 1) {
      joins.push(pieces[i] as '&&' | '||');
      continue;
    }
    const term = parseTerm(pieces[i]!);
    if (!term) return null;
    terms.push(term);
  }
  return { terms, joins };
}

function typedValue(value: string, dtype: string): number | string | null {
  if (dtype === 'i64' || dtype === 'f64') {
    const n = Number(value);
    return value.trim() === '' || Number.isNaN(n) ? null : n;
  }
  if (dtype === 'bool') return value === 'true' ? 1 : value === 'false' ? 0 : null;
  return value;
}

function parseIndex(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** Checks the options against the frame's columns. Whatever 0.50.0 would panic on is an error here. */
export function planDfQuery(query: DfQuery, columns: Array<{ name: string; dtype: string }>): PlanResult {
  const dtypes = new Map(columns.map((c) => [c.name, c.dtype]));
  const unknown = (name: string): PlanResult => ({ ok: false, error: `column "${name}" not found` });
  const plan: DfPlan = { reverse: query.reverse ?? false };

  const filter = query.filter === undefined ? null : parseFilter(query.filter);
  if (filter) {
    const terms: FilterTerm[] = [];
    for (const term of filter.terms) {
      const dtype = dtypes.get(term.column);
      if (dtype === undefined) return unknown(term.column);
      const value = typedValue(term.value, dtype);
      if (value === null)
        return {
          ok: false,
          error: `filter value "${term.value}" is not a valid ${dtype} for "${term.column}"`,
        };
      terms.push({ column: term.column, op: term.op, value });
    }
    plan.filter = { terms, joins: filter.joins };
  }
  if (query.sort_by !== undefined) {
    if (!dtypes.has(query.sort_by)) return unknown(query.sort_by);
    plan.sortBy = query.sort_by;
  }
  if (query.columns !== undefined && query.columns !== '') {
    const names = query.columns.split(',');
    const missing = names.find((n) => !dtypes.has(n));
    if (missing !== undefined) return unknown(missing);
    plan.columns = names;
  }
  if (query.take !== undefined) {
    const indices = query.take.split(',').map(parseIndex);
    if (indices.some((i) => i === null))
      return { ok: false, error: `take "${query.take}": values must be valid u32` };
    plan.take = indices as number[];
  }
  if (query.slice !== undefined && query.slice !== 'all') {
    const parts = query.slice.split('..');
    const [start, end] = parts.map(parseIndex);
    if (parts.length !== 2 || start == null || end == null || end < start)
      return { ok: false, error: `slice "${query.slice}": expected start..end with 0 <= start <= end` };
    plan.slice = { start, end };
  } else if (query.row !== undefined) {
    plan.slice = { start: query.row, end: query.row + 1 };
  }
  return { ok: true, plan };
}

/** DFOptsView: the transform options echoed with every view, in oxen's fixed order. */
export function echoDfOpts(query: DfQuery = {}): Array<{ name: string; value: unknown }> {
  return [
    { name: 'text2sql', value: null },
    { name: 'sql', value: query.sql ?? null },
    { name: 'filter', value: query.filter ?? null },
    { name: 'unique', value: null },
    { name: 'should_randomize', value: query.randomize ?? false },
    { name: 'sort_by', value: query.sort_by ?? null },
    { name: 'should_reverse', value: query.reverse ?? false },
    { name: 'take', value: query.take ?? null },
    { name: 'slice', value: query.slice ?? null },
    { name: 'head', value: null },
    { name: 'tail', value: null },
  ];
}
