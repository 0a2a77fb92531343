// The keyed data-frame compare of `/compare/data_frames` (reference §6.2–6.4): hash targets and keys
// per row, full outer join on the key hash, classify rows as added/removed/modified, drop unchanged,
// coalesce keys, sort by the keys, and keep `keys…, <t>.left, <t>.right…, _oxen_diff_status`.
import {
  hashRow,
  schemaOf,
  selectColumns,
  type Cell,
  type Column,
  type Dtype,
  type Frame,
  type Schema,
} from './frame.js';

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

function names(frame: Frame): string[] {
  return frame.columns.map((c) => c.name);
}

function countDuplicated(hashes: Array<string | null>): number {
  const counts = new Map<string | null, number>();
  for (const h of hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
  let n = 0;
  for (const c of counts.values()) if (c > 1) n += c;
  return n;
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

/** Checks that every key is in both frames and every target in at least one. */
function validate(left: Frame, right: Frame, params: CompareParams): CompareError | null {
  for (const frame of [left, right]) {
    const have = new Set(names(frame));
    if (!params.keys.every((k) => have.has(k)))
      return { kind: 'incompatible-schemas', fields: frame.columns };
  }
  const either = new Set([...names(left), ...names(right)]);
  if (!params.targets.every((t) => either.has(t)))
    return { kind: 'incompatible-schemas', fields: left.columns };
  return null;
}

function hashesOver(frame: Frame, wanted: string[]): Array<string | null> {
  const set = new Set(wanted);
  const columns = frame.columns.filter((c) => set.has(c.name));
  return Array.from({ length: frame.height }, (_, i) => hashRow(columns, i));
}

/** Compares two frames keyed by `params.keys`; see the file comment for the rules. */
export function diffKeyed(left: Frame, right: Frame, params: CompareParams): CompareResult {
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

  const leftTargets = hashesOver(left, targets);
  const rightTargets = hashesOver(right, targets);
  const leftKeys = hashesOver(left, keys);
  const rightKeys = hashesOver(right, keys);

  // Full outer join on the key hash; duplicated keys pair every left row with every right row.
  const rightByKey = new Map<string | null, number[]>();
  rightKeys.forEach((h, i) => {
    const list = rightByKey.get(h);
    if (list) list.push(i);
    else rightByKey.set(h, [i]);
  });
  const pairs: Array<[number | null, number | null]> = [];
  const matchedRight = new Uint8Array(right.height);
  leftKeys.forEach((h, i) => {
    const matches = rightByKey.get(h);
    if (!matches) return void pairs.push([i, null]);
    for (const j of matches) {
      pairs.push([i, j]);
      matchedRight[j] = 1;
    }
  });
  for (let j = 0; j < right.height; j++) if (!matchedRight[j]) pairs.push([null, j]);

  const leftCol = (name: string) => left.columns.find((c) => c.name === name);
  const rightCol = (name: string) => right.columns.find((c) => c.name === name);
  const firstKey = keys[0];
  const firstLeft = firstKey === undefined ? undefined : leftCol(firstKey);
  const firstRight = firstKey === undefined ? undefined : rightCol(firstKey);
  const counts = { added: 0, removed: 0, modified: 0 };
  const kept: Array<{ l: number | null; r: number | null; status: DiffStatus }> = [];
  for (const [l, r] of pairs) {
    let status: DiffStatus | 'unchanged';
    if (l === null || (firstLeft?.values[l] ?? null) === null) status = 'added';
    else if (r === null || (firstRight?.values[r] ?? null) === null) status = 'removed';
    else if (targets.length === 0) status = 'unchanged';
    else status = leftTargets[l] !== rightTargets[r] ? 'modified' : 'unchanged';
    if (status === 'unchanged') continue;
    counts[status]++;
    kept.push({ l, r, status });
  }

  // Output columns follow the right frame's column order.
  const outKeys = names(right).filter((n) => keys.includes(n));
  const outTargets = names(right).filter((n) => targets.includes(n));
  const getters: Array<{ name: string; dtype: Dtype; get: (l: number | null, r: number | null) => Cell }> =
    [];
  for (const k of outKeys) {
    const lc = leftCol(k);
    const rc = rightCol(k)!;
    getters.push({
      name: k,
      dtype: rc.dtype,
      get: (l, r) =>
        (r !== null ? (rc.values[r] ?? null) : null) ?? (l !== null && lc ? (lc.values[l] ?? null) : null),
    });
  }
  for (const t of outTargets) {
    const lc = leftCol(t);
    const rc = rightCol(t)!;
    if (lc)
      getters.push({
        name: `${t}.left`,
        dtype: lc.dtype,
        get: (l) => (l === null ? null : (lc.values[l] ?? null)),
      });
    getters.push({
      name: `${t}.right`,
      dtype: rc.dtype,
      get: (_l, r) => (r === null ? null : (rc.values[r] ?? null)),
    });
  }
  const rows: Cell[][] = kept.map(({ l, r, status }) => [...getters.map((g) => g.get(l, r)), status]);
  // Sort by the keys in key order (all our dtypes are primitive); ties keep the join order.
  const keyOrder = keys.map((k) => outKeys.indexOf(k)).filter((i) => i >= 0);
  rows.sort((a, b) => {
    for (const i of keyOrder) {
      const c = compareCells(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });

  // A side with none of the target columns gets a null `_targets_hash` column, of dtype null.
  const leftTargetType = selectColumns(left, targets).columns.length ? 'str' : 'null';
  const rightTargetType = selectColumns(right, targets).columns.length ? 'str' : 'null';
  const withHashes = (frame: Frame, targetType: string): Schema =>
    schemaOf([
      ...frame.columns,
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
    ...keys.map((k) => ({ name: k, dtype: rightCol(k)?.dtype ?? 'str' })),
  ]);
  const colDesc = (c: Column, suffix: string) => ({
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
        ...getters.map(({ name, dtype }) => ({ name, dtype })),
        { name: DIFF_STATUS_COL, dtype: 'str' },
      ],
      rows,
      counts,
      dupes: { left: countDuplicated(leftKeys), right: countDuplicated(rightKeys) },
      summarySchema,
      schemaDiff: {
        added_cols: added.map((n) => colDesc(rightCol(n)!, 'added')),
        removed_cols: removed.map((n) => colDesc(leftCol(n)!, 'removed')),
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
