// The Datafold data diff of two keyed datasets (reference §5 and §6): primary-key statistics, value
// differences per column with tolerances, schema differences, the `result` verdict and `diff_stats`.
// The formulas are the reference's, with the choices it leaves open written down in the README.
import { countDifferences, type DataColumn, type RowPairs } from './data-column.js';
import type { Cell, Dtype } from './frame.js';
import { indexKeyPair, type KeyIndex } from './key-index.js';

/**
 * A dataset's cells a column at a time (`values[c]`, see data-column.ts), `height` rows: a million
 * rows so are a few arrays, not a million of them.
 */
export interface Dataset {
  columns: Array<{ name: string; dtype: Dtype }>;
  values: DataColumn[];
  height: number;
}

export interface Tolerance {
  value: number;
  mode: 'absolute' | 'relative';
}

export interface DatadiffOptions {
  pkColumns: string[];
  includeColumns?: string[] | null;
  excludeColumns?: string[] | null;
  columnsToCompare?: string[] | null;
  /** Pairs [name in A, name in B]; B's column is compared, and reported, under A's name. */
  columnMapping?: Array<[string, string]> | null;
  /** Default tolerance for numeric columns. */
  tolerance?: Tolerance | null;
  perColumnTolerance?: Record<string, Tolerance>;
  caseInsensitiveStrings?: boolean;
  /** Cross-database diffs do not measure schema: diff_schema is then 0 (reference §5.2). */
  measureSchema?: boolean;
}

export type Pair = [number, number];
export type DatadiffResult = 'identical' | 'different' | 'bad-pks' | 'missing-pks';

export interface PkStats {
  total_rows: Pair;
  nulls: Pair;
  dupes: Pair;
  exclusives: Pair;
  distincts: Pair;
}
export interface ValueStats {
  total_rows: number;
  rows_with_differences: number;
  total_values: number;
  values_with_differences: number;
  compared_columns: number;
  columns_with_differences: number;
  columns_diff_stats: Array<{ column_name: string; match: number; values_different: number }>;
}
export interface SchemaStats {
  columns_mismatched: Pair;
  column_type_mismatches: number;
  column_reorders: number;
  column_counts: Pair;
  column_type_differs: string[];
  exclusive_columns: [string[], string[]];
}
export interface DiffStats {
  diff_duplicate_pks: number;
  diff_null_pks: number;
  diff_pks: number;
  diff_ratio: number;
  diff_rows: number;
  diff_rows_count: number;
  diff_rows_number: number;
  diff_schema: number;
  diff_values: number;
  errors: number;
  exclusive_ratio: number;
  match_ratio: number;
  rows_added: number;
  rows_removed: number;
  sampled: boolean;
  table_a_row_count: number;
  table_b_row_count: number;
  version: string;
}

export interface DatadiffError {
  error_type: string;
  error_value: string;
}

export type DatadiffOutcome =
  | {
      ok: true;
      result: DatadiffResult;
      pks: PkStats | null;
      values: ValueStats | null;
      schema: SchemaStats;
      stats: DiffStats;
    }
  | { ok: false; error: DatadiffError };

export const DIFF_STATS_VERSION = '1';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number) => round(a / Math.max(b, 1), 6);

/** Length of the longest common subsequence of two short name lists. */
function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function isNumeric(dtype: Dtype): boolean {
  return dtype === 'i64' || dtype === 'f64';
}

/** An all-null column (dtype `null`) matches any type. */
function sameType(a: Dtype, b: Dtype): boolean {
  return a === b || a === 'null' || b === 'null';
}

function cellsEqual(a: Cell, b: Cell, tolerance: Tolerance | undefined, options: DatadiffOptions): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (!tolerance) return a === b;
    const limit = tolerance.mode === 'absolute' ? tolerance.value : tolerance.value * Math.abs(a);
    // A hair of slack so that 1.05 is within 0.05 of 1 despite binary floating point.
    return Math.abs(b - a) <= limit + 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1);
  }
  if (typeof a === 'string' && typeof b === 'string' && options.caseInsensitiveStrings)
    return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Keys of `side` that `other` lacks, and the rows they cover. */
function exclusiveOf(side: KeyIndex, other: KeyIndex): { keys: number; rows: number } {
  let keys = 0;
  let rows = 0;
  side.each((key, _row, count) => {
    if (other.rowOf(key) >= 0) return;
    keys++;
    rows += count;
  });
  return { keys, rows };
}

/** Diffs dataset A against dataset B; see the file comment and the README for the rules. */
export function diffDatasets(a: Dataset, bIn: Dataset, options: DatadiffOptions): DatadiffOutcome {
  // Rename B's columns to A's names where a mapping says so.
  const renames = new Map((options.columnMapping ?? []).map(([left, right]) => [right, left]));
  const b: Dataset = {
    ...bIn,
    columns: bIn.columns.map((c) => ({ ...c, name: renames.get(c.name) ?? c.name })),
  };
  const namesA = a.columns.map((c) => c.name);
  const namesB = b.columns.map((c) => c.name);
  const pk = options.pkColumns;
  const missing = (name: string) => ({
    ok: false as const,
    error: { error_type: 'NoSuchColumnException', error_value: name },
  });
  for (const name of pk) if (!namesA.includes(name) || !namesB.includes(name)) return missing(name);
  const wanted = options.includeColumns?.length ? options.includeColumns : options.columnsToCompare;
  for (const name of wanted ?? []) if (!namesA.includes(name) && !namesB.includes(name)) return missing(name);

  const considered = (names: string[]) =>
    names.filter((n) =>
      pk.includes(n)
        ? true
        : wanted?.length
          ? wanted.includes(n)
          : !(options.excludeColumns ?? []).includes(n),
    );
  const colsA = considered(namesA);
  const colsB = considered(namesB);
  const typeA = new Map(a.columns.map((c) => [c.name, c.dtype]));
  const typeB = new Map(b.columns.map((c) => [c.name, c.dtype]));
  const common = colsA.filter((n) => colsB.includes(n));
  const typeDiffers = common.filter((n) => !sameType(typeA.get(n)!, typeB.get(n)!));
  const exclusiveA = colsA.filter((n) => !colsB.includes(n));
  const exclusiveB = colsB.filter((n) => !colsA.includes(n));
  const schema: SchemaStats = {
    columns_mismatched: [exclusiveA.length + typeDiffers.length, exclusiveB.length + typeDiffers.length],
    column_type_mismatches: typeDiffers.length,
    column_reorders:
      common.length -
      lcsLength(
        common,
        colsB.filter((n) => colsA.includes(n)),
      ),
    column_counts: [colsA.length, colsB.length],
    column_type_differs: typeDiffers,
    exclusive_columns: [exclusiveA, exclusiveB],
  };
  const schemaDifferences = exclusiveA.length + exclusiveB.length + typeDiffers.length;
  const rowsA = a.height;
  const rowsB = b.height;

  if (pk.length === 0) {
    // No key: only the schema can be compared (data-diff #561).
    const stats = statsOf({ rowsA, rowsB, colsA: colsA.length, colsB: colsB.length, schema, options });
    return { ok: true, result: 'missing-pks', pks: null, values: null, schema, stats };
  }

  const [keysA, keysB] = indexKeyPair(
    a,
    pk.map((n) => namesA.indexOf(n)),
    b,
    pk.map((n) => namesB.indexOf(n)),
  );
  // Values: keys present once on each side; null, duplicated and exclusive keys are not compared.
  const compared = common.filter((n) => !pk.includes(n) && !typeDiffers.includes(n));
  const tolerances = compared.map((n) => {
    const own = options.perColumnTolerance?.[n];
    if (own) return isNumeric(typeA.get(n)!) ? own : undefined;
    return options.tolerance && isNumeric(typeA.get(n)!) ? options.tolerance : undefined;
  });
  // The rows compared: A's keys are gone through once, for its exclusive keys and for the pairs.
  const onlyA = { keys: 0, rows: 0 };
  const size = Math.min(rowsA, rowsB);
  const pairs: RowPairs = { a: new Int32Array(size), b: new Int32Array(size), count: 0 };
  keysA.each((key, inA, countA) => {
    const inB = keysB.soleRowOf(key);
    if (inB === -1) {
      onlyA.keys++;
      onlyA.rows += countA;
    }
    if (inB < 0 || countA > 1) return;
    pairs.a[pairs.count] = inA;
    pairs.b[pairs.count++] = inB;
  });
  const comparedRows = pairs.count;
  // Per pair, 1 where a value differs.
  const marks = new Uint8Array(comparedRows);
  const differing = compared.map((n, c) => {
    const tolerance = tolerances[c];
    return countDifferences(
      a.values[namesA.indexOf(n)]!,
      b.values[namesB.indexOf(n)]!,
      pairs,
      marks,
      (x, y) => cellsEqual(x, y, tolerance, options),
      { tolerant: tolerance !== undefined, ignoreCase: options.caseInsensitiveStrings === true },
    );
  });
  let rowsWithDifferences = 0;
  for (const mark of marks) rowsWithDifferences += mark;
  const onlyB = exclusiveOf(keysB, keysA);
  const [exclusiveKeysA, exclusiveKeysB] = [onlyA.keys, onlyB.keys];
  const pks: PkStats = {
    total_rows: [rowsA, rowsB],
    nulls: [keysA.nulls, keysB.nulls],
    dupes: [keysA.dupes, keysB.dupes],
    exclusives: [exclusiveKeysA, exclusiveKeysB],
    distincts: [keysA.size, keysB.size],
  };
  const valuesWithDifferences = differing.reduce((s, n) => s + n, 0);
  const values: ValueStats = {
    total_rows: comparedRows,
    rows_with_differences: rowsWithDifferences,
    total_values: comparedRows * compared.length,
    values_with_differences: valuesWithDifferences,
    compared_columns: compared.length,
    columns_with_differences: differing.filter((n) => n > 0).length,
    columns_diff_stats: compared.map((name, c) => ({
      column_name: name,
      match: comparedRows === 0 ? 100 : round((100 * (comparedRows - differing[c]!)) / comparedRows, 2),
      values_different: differing[c]!,
    })),
  };

  const badPks = keysA.nulls + keysB.nulls + keysA.dupes + keysB.dupes > 0;
  const different = exclusiveKeysA + exclusiveKeysB + rowsWithDifferences + schemaDifferences > 0;
  const result: DatadiffResult = badPks ? 'bad-pks' : different ? 'different' : 'identical';
  const stats = statsOf({
    rowsA,
    rowsB,
    colsA: colsA.length,
    colsB: colsB.length,
    schema,
    options,
    pks,
    values,
    exclusiveRows: onlyA.rows + onlyB.rows,
    shared: common.length,
  });
  return { ok: true, result, pks, values, schema, stats };
}

function statsOf(x: {
  rowsA: number;
  rowsB: number;
  colsA: number;
  colsB: number;
  schema: SchemaStats;
  options: DatadiffOptions;
  pks?: PkStats;
  values?: ValueStats;
  exclusiveRows?: number;
  shared?: number;
}): DiffStats {
  const [exclA, exclB] = x.pks?.exclusives ?? [0, 0];
  const [distA, distB] = x.pks?.distincts ?? [0, 0];
  const overlap = distA - exclA;
  const valueDiffs = x.values?.values_with_differences ?? 0;
  const [extraA, extraB] = x.schema.exclusive_columns.map((c) => c.length) as [number, number];
  // The UI's Match Score (reference §5.2): cells that match over all cells of both tables.
  const totalCells = x.rowsA * x.colsA + x.rowsB * x.colsB;
  const nonMatching =
    2 * valueDiffs + (x.exclusiveRows ?? 0) * (x.shared ?? 0) + extraA * x.rowsA + extraB * x.rowsB;
  const match = totalCells === 0 ? 0 : Math.max(0, totalCells - nonMatching) / totalCells;
  return {
    diff_duplicate_pks: (x.pks?.dupes[0] ?? 0) + (x.pks?.dupes[1] ?? 0),
    diff_null_pks: (x.pks?.nulls[0] ?? 0) + (x.pks?.nulls[1] ?? 0),
    diff_pks: ratio(exclA + exclB, distA + distB - overlap),
    diff_ratio: round(1 - match, 6),
    diff_rows: ratio(x.values?.rows_with_differences ?? 0, x.values?.total_rows ?? 0),
    diff_rows_count: x.values?.rows_with_differences ?? 0,
    diff_rows_number: x.values?.rows_with_differences ?? 0,
    diff_schema:
      x.options.measureSchema === false
        ? 0
        : x.schema.exclusive_columns[0].length +
          x.schema.exclusive_columns[1].length +
          x.schema.column_type_mismatches,
    diff_values: ratio(valueDiffs, x.values?.total_values ?? 0),
    errors: 0,
    exclusive_ratio: ratio(exclA + exclB, x.rowsA + x.rowsB),
    match_ratio: round(match, 6),
    rows_added: exclB,
    rows_removed: exclA,
    sampled: false,
    table_a_row_count: x.rowsA,
    table_b_row_count: x.rowsB,
    version: DIFF_STATS_VERSION,
  };
}
