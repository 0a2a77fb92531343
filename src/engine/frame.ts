// A small column-oriented data frame: what the tabular diffs work on. Values follow polars' JSON:
// i64/f64 numbers, bool, str, and null for an empty or unparseable cell.
import { hashHex } from './hash.js';

export type Dtype = 'i64' | 'f64' | 'bool' | 'str' | 'null';
export type Cell = number | string | boolean | null;

export interface Column {
  name: string;
  dtype: Dtype;
  values: Cell[];
}

export interface Frame {
  columns: Column[];
  height: number;
}

export interface SchemaField {
  name: string;
  dtype: string;
  metadata: null;
  changes: null;
}

export interface Schema {
  hash: string;
  fields: SchemaField[];
  metadata: null;
}

/** oxen's Schema: fields plus xxh3-128 of the concatenated `name + dtype` (reference §6.5). */
export function schemaOf(fields: Array<{ name: string; dtype: string }>): Schema {
  return {
    hash: hashHex(fields.map((f) => f.name + f.dtype).join('')),
    fields: fields.map((f) => ({ name: f.name, dtype: f.dtype, metadata: null, changes: null })),
    metadata: null,
  };
}

export function frameSchema(frame: Frame): Schema {
  return schemaOf(frame.columns);
}

export function emptyFrame(columns: Array<{ name: string; dtype: Dtype }>): Frame {
  return { columns: columns.map((c) => ({ ...c, values: [] })), height: 0 };
}

/** The rows `indices` of `frame` as JSON objects keyed by column name, in column order. */
export function rowsAsObjects(frame: Frame, indices: Iterable<number>): Array<Record<string, Cell>> {
  const out: Array<Record<string, Cell>> = [];
  for (const i of indices) {
    const row: Record<string, Cell> = {};
    for (const column of frame.columns) row[column.name] = column.values[i] ?? null;
    out.push(row);
  }
  return out;
}

export function selectColumns(frame: Frame, names: string[]): Frame {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  return {
    columns: names.map((n) => byName.get(n)).filter((c): c is Column => c !== undefined),
    height: frame.height,
  };
}

export function takeRows(frame: Frame, indices: number[]): Frame {
  return {
    columns: frame.columns.map((c) => ({ ...c, values: indices.map((i) => c.values[i] ?? null) })),
    height: indices.length,
  };
}

const scratch = { buffer: Buffer.allocUnsafe(1 << 16) };

/**
 * xxh3-128 of one row over `columns`, with oxen's cell bytes (reference §5.2): numbers as 8
 * little-endian bytes (i64 or f64 by dtype), strings as UTF-8, bool as 1/0, null as nothing.
 * Returns null when no column is given, like oxen's null hash column.
 */
export function hashRow(columns: Column[], row: number): string | null {
  if (columns.length === 0) return null;
  let size = 0;
  for (const column of columns) {
    const v = column.values[row];
    size += typeof v === 'string' ? Buffer.byteLength(v) : 8;
  }
  if (scratch.buffer.length < size) scratch.buffer = Buffer.allocUnsafe(size * 2);
  const buf = scratch.buffer;
  let at = 0;
  for (const column of columns) {
    const v = column.values[row];
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') at += buf.write(v, at, 'utf8');
    else if (typeof v === 'boolean') buf[at++] = v ? 1 : 0;
    else if (column.dtype === 'i64') {
      buf.writeBigInt64LE(BigInt(Math.trunc(v)), at);
      at += 8;
    } else {
      buf.writeDoubleLE(v, at);
      at += 8;
    }
  }
  return hashHex(buf.subarray(0, at));
}
