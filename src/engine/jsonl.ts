// Reading JSON lines (.jsonl/.ndjson) and JSON arrays of objects the way polars' JSON readers do:
// columns in first-seen order, dtypes inferred from the first 10,000 rows (integers i64, any float
// makes f64, booleans bool, strings str, a column of nulls only `null`), a missing key is null.
// Nested values, which polars would read as struct or list, are kept as their JSON text (str).
import { INFER_ROWS } from './csv.js';
import type { Cell, Column, Dtype, Frame } from './frame.js';

export type FrameResult = { ok: true; frame: Frame } | { ok: false; error: string };

function kindOf(value: unknown): Dtype | 'int' {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'f64';
  return 'str';
}

/** The dtype two observed kinds widen to, as polars' supertype rules do for these primitives. */
function widen(a: Dtype | 'int', b: Dtype | 'int'): Dtype | 'int' {
  if (a === b || b === 'null') return a;
  if (a === 'null') return b;
  if ((a === 'int' && b === 'f64') || (a === 'f64' && b === 'int')) return 'f64';
  return 'str';
}

function cellOf(value: unknown, dtype: Dtype): Cell {
  if (value === null || value === undefined) return null;
  if (dtype === 'str') return typeof value === 'string' ? value : JSON.stringify(value);
  if (dtype === 'bool') return typeof value === 'boolean' ? value : null;
  return typeof value === 'number' ? value : null;
}

function frameOfRecords(records: unknown[]): FrameResult {
  const kinds = new Map<string, Dtype | 'int'>();
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object' || Array.isArray(record))
      return { ok: false, error: `row ${i + 1} is not a JSON object` };
    for (const [key, value] of Object.entries(record)) {
      const seen = kinds.get(key);
      if (i >= INFER_ROWS && seen !== undefined) continue;
      kinds.set(key, seen === undefined ? kindOf(value) : widen(seen, kindOf(value)));
    }
  }
  const columns: Column[] = [...kinds].map(([name, kind]) => {
    const dtype: Dtype = kind === 'int' ? 'i64' : kind;
    const values = records.map((r) => cellOf((r as Record<string, unknown>)[name], dtype));
    return { name, dtype, values };
  });
  return { ok: true, frame: { columns, height: records.length } };
}

/** One JSON object per non-empty line. */
export function readJsonLines(text: string): FrameResult {
  const records: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      return { ok: false, error: `line ${i + 1} is not valid JSON` };
    }
  }
  return frameOfRecords(records);
}

/** A JSON array of objects (oxen treats a `.json` file that starts with `[` as tabular). */
export function readJsonArray(text: string): FrameResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  if (!Array.isArray(parsed)) return { ok: false, error: 'not a JSON array' };
  return frameOfRecords(parsed);
}
