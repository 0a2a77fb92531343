// The keyed data-frame compare of `/compare/data_frames` (reference §6.2–6.4): hash targets and keys
// per row, full outer join on the key hash (keyed-join.ts), classify rows as added/removed/modified,
// drop unchanged, coalesce keys, sort by the keys, and keep `keys…, <t>.left, <t>.right…,
// _oxen_diff_status`.
import { cellBytes, rowBytes, schemaOf, type Cell, type Dtype, type Frame, type Schema } from './frame.js';
import type { JsonOut } from './json-out.js';
import { ascending, countDuplicated, mergeJoin, outerJoin, type JoinKeys } from './keyed-join.js';

export const DIFF_STATUS_COL = '_oxen_diff_status';

export interface CompareParams {
  keys: string[];
  targets: string[];
  /** Display columns as given, already suffixed (`name.left` / `name.right`). */
  display: string[];
}

export type DiffStatus = 'added' | 'removed' | 'modified';

export interface KeyedDiff {
  /** The derived frame: its columns and rows, in output order. */
  columns: Array<{ name: string; dtype: string }>;
  rows: Cell[][];
  counts: { added: number; removed: number; modified: number };
  dupes: { left: number; right: number };
  summarySchema: Schema;
  schemaDiff: {
    added_cols: Array<{ name: string; key: string; dtype: string }>;
    removed_cols: Array<{ name: string; key: string; dtype: string }>;
  };
  sourceSchemas: { left: Schema; right: Schema };
  keys: string[];
  targets: Array<{ left: string | null; right: string | null }>;
  display: string[];
}

export type CompareError =
  | { kind: 'incompatible-schemas'; fields: Array<{ name: string; dtype: string }> }
  | { kind: 'targets-without-keys' };

export type CompareResult = { ok: true; diff: KeyedDiff } | { ok: false; error: CompareError };

/** A keyed diff whose derived rows are made one at a time, in output order, when asked for. */
export interface KeyedDiffRows extends Omit<KeyedDiff, 'rows'> {
  height: number;
  /** Row `i` of the derived frame (0 ≤ i < height); made anew on each call. */
  row(i: number): Cell[];
  /** Writes row `i` as a line of JSON: what JSON.stringify gives of it as an object, keyed by column. */
  writeRow(i: number, out: JsonOut): void;
}

function names(side: { columns: Array<{ name: string }> }): string[] {
  return side.columns.map((c) => c.name);
}

function compareCells(a: Cell, b: Cell): number {
  // polars' default ascending sort puts nulls first.
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}

/** Picks keys and targets where the request left them empty (`get_keys_targets_smart_defaults`). */
function effectiveParams(params: CompareParams, common: string[], added: string[], removed: string[]) {
  if (params.keys.length > 0) {
    const targets =
      params.targets.length > 0 ? params.targets : common.filter((c) => !params.keys.includes(c));
    return { keys: params.keys, targets };
  }
  if (params.targets.length > 0) return null;
  return { keys: common, targets: [...added, ...removed] };
}

/** What a side's keyBytes gives: its rows' join keys, and which rows' first key is null. */
export interface KeyedRows {
  keys: JoinKeys;
  firstNull: Uint8Array;
}

/**
 * One side of a keyed compare: its columns, and its rows on demand. A frame (`frameSide`) holds
 * every cell already; a CSV read lazily (keyed-csv.ts) parses only the rows the compare looks at.
 */
export interface KeyedSide {
  columns: Array<{ name: string; dtype: Dtype }>;
  /** The number of rows; read it after `keyBytes`, which may be what counts them. */
  readonly height: number;
  /**
   * For every row, the bytes oxen hashes over `columns` (indices, in the side's order), and whether
   * the value in column `first` is null (always, when `first` is -1: no key column). With `numeric`
   * (one i64 key column on both sides) the key is the value itself, which joins faster.
   */
  keyBytes(columns: number[], first: number, numeric: boolean): KeyedRows;
  cell(row: number, column: number): Cell;
  /** Writes `cell(row, column)` as JSON; false, writing nothing, for null (JsonOut.cell when absent). */
  writeCell?(row: number, column: number, out: JsonOut): boolean;
  /** True when row `row` is certainly identical to `otherRow` of `other` in every column. */
  sameRow?(row: number, other: KeyedSide, otherRow: number): boolean;
  /**
   * How many rows from `row` on are certainly identical, each to the row as far from `otherRow` of
   * `other` (0 when it cannot tell).
   */
  sameRun?(row: number, other: KeyedSide, otherRow: number): number;
  /**
   * Whether the bytes oxen hashes over `columns` differ between `row` and `otherRow` of `other`,
   * when the side can tell without making the rows' cells (undefined where it cannot).
   */
  targetsDiffer?(row: number, other: KeyedSide, otherRow: number, columns: number[]): boolean | undefined;
}

export function frameSide(frame: Frame): KeyedSide {
  return {
    columns: frame.columns.map(({ name, dtype }) => ({ name, dtype })),
    height: frame.height,
    keyBytes(columns, first, numeric) {
      const picked = columns.map((c) => frame.columns[c]!);
      const firstValues = frame.columns[first]?.values;
      const keys = numeric
        ? Float64Array.from(picked[0]!.values, (v) => (v === null ? NaN : (v as number)))
        : Array.from({ length: frame.height }, (_, i) => rowBytes(picked, i));
      const firstNull = new Uint8Array(frame.height);
      for (let i = 0; i < frame.height; i++) firstNull[i] = (firstValues?.[i] ?? null) === null ? 1 : 0;
      return { keys, firstNull };
    },
    cell: (row, column) => frame.columns[column]!.values[row] ?? null,
  };
}

type Side = KeyedSide;

/** Checks that every key is in both sides and every target in at least one. */
function validate(left: Side, right: Side, params: CompareParams): CompareError | null {
  for (const side of [left, right]) {
    const have = new Set(names(side));
    if (!params.keys.every((k) => have.has(k))) return { kind: 'incompatible-schemas', fields: side.columns };
  }
  const either = new Set([...names(left), ...names(right)]);
  if (!params.targets.every((t) => either.has(t)))
    return { kind: 'incompatible-schemas', fields: left.columns };
  return null;
}

/** The indices of the side's columns among `wanted`, in the side's own order (what oxen hashes). */
function indicesAmong(side: Side, wanted: string[]): number[] {
  const set = new Set(wanted);
  return side.columns.flatMap((c, i) => (set.has(c.name) ? [i] : []));
}

/** Whether a column's values are hashed as numbers of one kind (i64 and f64 bytes differ). */
const encoding = (dtype: Dtype) => (dtype === 'f64' ? 'f64' : dtype === 'i64' ? 'i64' : 'other');

/**
 * Tells whether the target hashes of left row l and right row r differ, without hashing: from the row
 * text when the sides can tell rows identical, else cell by cell when both sides hash the same kinds of
 * columns, and by the hashed bytes when that says "different" (two rows' bytes can still concatenate
 * alike) or when the columns do not pair up.
 */
function targetsDiffer(
  left: Side,
  lt: number[],
  right: Side,
  rt: number[],
): (l: number, r: number) => boolean {
  const paired =
    lt.length === rt.length &&
    lt.every((c, i) => encoding(left.columns[c]!.dtype) === encoding(right.columns[rt[i]!]!.dtype));
  const bytes = (side: Side, columns: number[], row: number) => {
    let out = '';
    for (const c of columns) out += cellBytes(side.cell(row, c), side.columns[c]!.dtype);
    return out;
  };
  return (l, r) => {
    if (left.sameRow?.(l, right, r)) return false;
    const told = left.targetsDiffer?.(l, right, r, lt);
    if (told !== undefined) return told;
    if (paired) {
      // Object.is, not ===: 0 and -0 are not the same bytes (NaN, read from a file, always is).
      let same = true;
      for (let i = 0; i < lt.length && same; i++)
        same = Object.is(left.cell(l, lt[i]!), right.cell(r, rt[i]!));
      if (same) return false;
    }
    return bytes(left, lt, l) !== bytes(right, rt, r);
  };
}

/** A pair's row on one side, as outerJoin gives it and the kept pairs hold it: null for -1, a missing side. */
const rowOrNull = (row: number): number | null => (row < 0 ? null : row);

/** Compares two frames keyed by `params.keys`; see the file comment for the rules. */
export function diffKeyed(left: Frame, right: Frame, params: CompareParams): CompareResult {
  return diffKeyedSides(frameSide(left), frameSide(right), params);
}

/** The keyed compare over any two sides (frames, or CSVs read lazily), its rows all made. */
export function diffKeyedSides(left: Side, right: Side, params: CompareParams): CompareResult {
  const result = compareKeyedSides(left, right, params);
  if (!result.ok) return result;
  const { height, row, writeRow, ...diff } = result.diff;
  return { ok: true, diff: { ...diff, rows: Array.from({ length: height }, (_, i) => row(i)) } };
}

/**
 * The keyed compare, its rows made on demand: a compare that keeps a million rows then never holds
 * them all as cells, only the pairs of row indices they come from (and their keys, for the order).
 */
export function compareKeyedSides(
  left: Side,
  right: Side,
  params: CompareParams,
): { ok: true; diff: KeyedDiffRows } | { ok: false; error: CompareError } {
  const invalid = validate(left, right, params);
  if (invalid) return { ok: false, error: invalid };
  const leftNames = new Set(names(left));
  const rightNames = new Set(names(right));
  const common = names(right).filter((n) => leftNames.has(n));
  const added = names(right).filter((n) => !leftNames.has(n));
  const removed = names(left).filter((n) => !rightNames.has(n));
  const effective = effectiveParams(params, common, added, removed);
  if (!effective) return { ok: false, error: { kind: 'targets-without-keys' } };
  const { keys, targets } = effective;

  const differ = targetsDiffer(left, indicesAmong(left, targets), right, indicesAmong(right, targets));
  const leftIndex = (name: string) => left.columns.findIndex((c) => c.name === name);
  const rightIndex = (name: string) => right.columns.findIndex((c) => c.name === name);
  const firstKey = keys[0] ?? '';
  const leftKeyColumns = indicesAmong(left, keys);
  const rightKeyColumns = indicesAmong(right, keys);
  const numeric =
    keys.length === 1 &&
    left.columns[leftKeyColumns[0]!]!.dtype === 'i64' &&
    right.columns[rightKeyColumns[0]!]!.dtype === 'i64';
  const leftKeyed = left.keyBytes(leftKeyColumns, leftIndex(firstKey), numeric);
  const rightKeyed = right.keyBytes(rightKeyColumns, rightIndex(firstKey), numeric);

  // Full outer join on the keys; duplicated keys pair every left row with every right row. The
  // pairs kept are three parallel arrays: left row, right row (null for a missing side), status.
  const counts = { added: 0, removed: 0, modified: 0 };
  // A missing side is kept as -1, so that the arrays hold small integers only (V8 stores those
  // unboxed; a null among them changes the arrays' kind, and throws away the code made for them).
  const keptL: number[] = [];
  const keptR: number[] = [];
  const keptStatus: DiffStatus[] = [];
  const keep = (pairL: number, pairR: number) => {
    const l = rowOrNull(pairL);
    const r = rowOrNull(pairR);
    let status: DiffStatus | 'unchanged';
    if (l === null || leftKeyed.firstNull[l]) status = 'added';
    else if (r === null || rightKeyed.firstNull[r]) status = 'removed';
    else if (targets.length === 0) status = 'unchanged';
    else status = differ(l, r) ? 'modified' : 'unchanged';
    if (status === 'unchanged') return;
    counts[status]++;
    keptL.push(pairL);
    keptR.push(pairR);
    keptStatus.push(status);
  };
  // Ids in order on both sides merge, and each run of rows the sides hold alike is passed over at once.
  const [leftKeys, rightKeys] = [leftKeyed.keys, rightKeyed.keys];
  const inOrder = { left: ascending(leftKeys), right: ascending(rightKeys) };
  if (inOrder.left && inOrder.right)
    mergeJoin(leftKeys as Float64Array, rightKeys as Float64Array, keep, (l, r) =>
      left.sameRun ? left.sameRun(l, right, r) : 0,
    );
  else outerJoin(leftKeys, rightKeys, keep);

  // Output columns follow the right side's column order. Each takes its cell from a column of the
  // right side, else (when that is null or absent) of the left one: a key's is coalesced so.
  const outKeys = names(right).filter((n) => keys.includes(n));
  const outTargets = names(right).filter((n) => targets.includes(n));
  const sources: Array<{ name: string; dtype: Dtype; left: number; right: number }> = [];
  for (const k of outKeys)
    sources.push({
      name: k,
      dtype: right.columns[rightIndex(k)]!.dtype,
      left: leftIndex(k),
      right: rightIndex(k),
    });
  for (const t of outTargets) {
    const [lc, rc] = [leftIndex(t), rightIndex(t)];
    if (lc >= 0) sources.push({ name: `${t}.left`, dtype: left.columns[lc]!.dtype, left: lc, right: -1 });
    sources.push({ name: `${t}.right`, dtype: right.columns[rc]!.dtype, left: -1, right: rc });
  }
  /** Output column `k`'s cell for a pair's rows (-1 for a missing side). */
  const cellOf = (k: number, l: number, r: number): Cell => {
    const source = sources[k]!;
    return (
      (r >= 0 && source.right >= 0 ? right.cell(r, source.right) : null) ??
      (l >= 0 && source.left >= 0 ? left.cell(l, source.left) : null)
    );
  };
  const write = (side: Side, row: number, column: number, out: JsonOut) =>
    row >= 0 &&
    column >= 0 &&
    (side.writeCell ? side.writeCell(row, column, out) : out.cell(side.cell(row, column)));
  // A line's text around its cells: `{"name":`, `,"name":`…, then its status and the end.
  const prefixes = sources.map(({ name }, k) =>
    Buffer.from(`${k === 0 ? '{' : ','}${JSON.stringify(name)}:`),
  );
  const statusPrefix = sources.length === 0 ? '{' : ',';
  const ends = Object.fromEntries(
    (['added', 'removed', 'modified'] as const).map((s) => [
      s,
      Buffer.from(`${statusPrefix}${JSON.stringify(DIFF_STATUS_COL)}:${JSON.stringify(s)}}\n`),
    ]),
  ) as Record<DiffStatus, Buffer>;
  // Sort by the keys in key order (all our dtypes are primitive); ties keep the join order. A single
  // i64 key's values are the join keys already, without parsing the rows they come from.
  const sortKeys = keys.flatMap((k) => {
    const at = outKeys.indexOf(k);
    if (at < 0) return [];
    if (!numeric) return [keptL.map((l, p) => cellOf(at, l, keptR[p]!))];
    const [lk, rk] = [leftKeyed.keys as Float64Array, rightKeyed.keys as Float64Array];
    const value = (side: Float64Array, row: number) => (row < 0 ? NaN : side[row]!);
    return [
      keptL.map((l, p) => {
        const v = Number.isNaN(value(rk, keptR[p]!)) ? value(lk, l) : value(rk, keptR[p]!);
        return Number.isNaN(v) ? null : v;
      }),
    ];
  });
  const order = keptL.map((_, p) => p);
  order.sort((a, b) => {
    for (const column of sortKeys) {
      const c = compareCells(column[a]!, column[b]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  // Last use of the keys: counting may sort them in place.
  // Keys in order hold no repeat.
  const dupes = {
    left: inOrder.left ? 0 : countDuplicated(leftKeys),
    right: inOrder.right ? 0 : countDuplicated(rightKeys),
  };

  // A side with none of the target columns gets a null `_targets_hash` column, of dtype null.
  const leftTargetType = indicesAmong(left, targets).length ? 'str' : 'null';
  const rightTargetType = indicesAmong(right, targets).length ? 'str' : 'null';
  const withHashes = (side: Side, targetType: string): Schema =>
    schemaOf([
      ...side.columns,
      { name: '_targets_hash', dtype: targetType },
      { name: '_keys_hash', dtype: 'str' },
    ]);
  const summarySchema = schemaOf([
    ...left.columns.map((c) => ({ name: `${c.name}.left`, dtype: c.dtype })),
    { name: '_targets_hash.left', dtype: leftTargetType },
    { name: '_keys_hash', dtype: 'str' },
    ...right.columns.map((c) => ({ name: `${c.name}.right`, dtype: c.dtype })),
    { name: '_targets_hash.right', dtype: rightTargetType },
    { name: '_keys_hash_right', dtype: 'str' },
    { name: DIFF_STATUS_COL, dtype: 'str' },
    ...keys.map((k) => ({ name: k, dtype: right.columns[rightIndex(k)]?.dtype ?? 'str' })),
  ]);
  const colDesc = (c: { name: string; dtype: Dtype }, suffix: string) => ({
    name: c.name,
    key: `${c.name}.${suffix}`,
    dtype: c.dtype,
  });
  const displayDefaults = [
    ...common
      .filter((c) => !keys.includes(c) && !targets.includes(c))
      .flatMap((c) => [`${c}.left`, `${c}.right`]),
    ...removed.map((c) => `${c}.left`),
    ...added.map((c) => `${c}.right`),
  ];
  return {
    ok: true,
    diff: {
      columns: [
        ...sources.map(({ name, dtype }) => ({ name, dtype })),
        { name: DIFF_STATUS_COL, dtype: 'str' },
      ],
      height: order.length,
      row: (i) => {
        const p = order[i]!;
        const [l, r] = [keptL[p]!, keptR[p]!];
        return [...sources.map((_, k) => cellOf(k, l, r)), keptStatus[p]!];
      },
      writeRow: (i, out) => {
        const p = order[i]!;
        const [l, r] = [keptL[p]!, keptR[p]!];
        for (let k = 0; k < sources.length; k++) {
          const bytes = prefixes[k]!;
          out.copy(bytes, 0, bytes.length);
          const { left: lc, right: rc } = sources[k]!;
          if (!write(right, r, rc, out) && !write(left, l, lc, out)) out.ascii('null');
        }
        const end = ends[keptStatus[p]!];
        out.copy(end, 0, end.length);
      },
      counts,
      dupes,
      summarySchema,
      schemaDiff: {
        added_cols: added.map((n) => colDesc(right.columns[rightIndex(n)]!, 'added')),
        removed_cols: removed.map((n) => colDesc(left.columns[leftIndex(n)]!, 'removed')),
      },
      sourceSchemas: { left: withHashes(left, leftTargetType), right: withHashes(right, rightTargetType) },
      keys,
      targets: targets.map((t) => ({
        left: leftNames.has(t) ? t : null,
        right: rightNames.has(t) ? t : null,
      })),
      display: params.display.length > 0 ? params.display : displayDefaults,
    },
  };
}
