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

const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const asciiOnly = (text: string) => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** One cell's bytes as `hashRow` feeds them to xxh3, as a string of char codes 0-255. */
export function cellBytes(value: Cell | undefined, dtype: Dtype): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string')
    return asciiOnly(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
  if (typeof value === 'boolean') return value ? '\x01' : '\x00';
  if (dtype === 'i64') {
    const v = Math.trunc(value);
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    return String.fromCharCode(
      lo & 255,
      (lo >>> 8) & 255,
      (lo >>> 16) & 255,
      lo >>> 24,
      hi & 255,
      (hi >>> 8) & 255,
      (hi >>> 16) & 255,
      hi >>> 24,
    );
  }
  float[0] = value;
  const b = floatBytes;
  return String.fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
}

/**
 * Writes `cellBytes(value, dtype)` as bytes into `out` at `at`, and returns where they end. `out`
 * must have room for them: 8 bytes for a number, the UTF-8 bytes of a text.
 */
export function writeCellBytes(out: Buffer, at: number, value: Cell, dtype: Dtype): number {
  if (value === null) return at;
  if (typeof value === 'string') return at + out.write(value, at, 'utf8');
  if (typeof value === 'boolean') {
    out[at] = value ? 1 : 0;
    return at + 1;
  }
  if (dtype === 'i64') {
    const v = Math.trunc(value);
    out.writeUInt32LE(v >>> 0, at);
    out.writeUInt32LE(Math.floor(v / 4294967296) >>> 0, at + 4);
    return at + 8;
  }
  float[0] = value;
  out.set(floatBytes, at);
  return at + 8;
}

/**
 * The bytes `hashRow` would hash for this row, as a string: two rows have equal hashes exactly when
 * these are equal, so joins and set lookups can use it without hashing. Null with no columns.
 */
export function rowBytes(columns: Column[], row: number): string | null {
  if (columns.length === 0) return null;
  let out = '';
  for (const column of columns) out += cellBytes(column.values[row], column.dtype);
  return out;
}
