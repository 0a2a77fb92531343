// The typed columns of a stored table (data-column.ts in the engine), built a cell at a time: from a
// CSV's field bytes (csv-table.ts) or from cells (table-bytes.ts). Each grows its typed arrays as
// rows come, twice as large each time it is full.
import type { DataColumn, NumberColumn, TextColumn, WordsColumn } from '../../engine/data-column.js';
import { ByteIds } from '../../engine/byte-ids.js';
import { JsonOut } from '../../engine/json-out.js';

/** How many of a text column's first values tell whether its values are mostly distinct. */
export const SAMPLE = 1000;

/**
 * Whether more of a sample's values are distinct than are repeats: then a text column is kept as its
 * bytes (TextColumn); otherwise as codes into its distinct values (WordsColumn).
 */
export const mostDistinct = (distinct: number, sampled: number) => distinct * 2 > sampled;

function grown<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const larger = new (array.constructor as new (length: number) => T)(Math.max(array.length * 2, needed, 16));
  larger.set(array);
  return larger;
}

/** Marks row `row` null in `nulls`, made on the first null. */
function markNull(nulls: Uint8Array | null, row: number, capacity: number): Uint8Array {
  const out = grown(nulls ?? new Uint8Array(capacity), row + 1);
  out[row] = 1;
  return out;
}

/** The text of UTF-8 bytes. */
const textOf = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();

export class NumberBuilder {
  /** The values while every one is a 32-bit integer (half the bytes of doubles); then null. */
  private integers: Int32Array | null;
  private doubles: Float64Array | null = null;
  private nulls: Uint8Array | null = null;
  rows = 0;

  constructor(private readonly capacity: number) {
    this.integers = new Int32Array(capacity);
  }

  /**
   * A number, or null. NaN and the infinities are kept as null, as the tables stored as JSON before
   * kept them (JSON has no such number).
   */
  push(value: number | null): void {
    if (value === null || !Number.isFinite(value))
      this.nulls = markNull(this.nulls, this.rows++, this.capacity);
    else this.pushFinite(value);
  }

  /** A number known to be finite (not NaN, not an infinity). */
  pushFinite(value: number): void {
    const row = this.rows++;
    const { integers, doubles } = this;
    // An Int32Array has no -0: a column holding one is doubles.
    if (integers !== null && row < integers.length && (value | 0) === value && (value !== 0 || 1 / value > 0))
      integers[row] = value;
    else if (doubles !== null && row < doubles.length) doubles[row] = value;
    else this.pushSlowly(row, value);
  }

  /** What pushFinite's fast cases leave: an array full, or the first value that is not a 32-bit integer. */
  private pushSlowly(row: number, value: number): void {
    if (this.integers !== null && (value | 0) === value && (value !== 0 || 1 / value > 0)) {
      // The integers' array is full.
      this.integers = grown(this.integers, row + 1);
      this.integers[row] = value;
      return;
    }
    if (this.doubles === null) {
      // The first value that is not a 32-bit integer: the integers so far become doubles.
      this.doubles = new Float64Array(Math.max(this.integers!.length, row + 1));
      this.doubles.set(this.integers!.subarray(0, row));
      this.integers = null;
    }
    if (row >= this.doubles.length) this.doubles = grown(this.doubles, row + 1);
    this.doubles[row] = value;
  }

  finish(): NumberColumn {
    const nulls = this.nulls && grown(this.nulls, this.rows).subarray(0, this.rows);
    const values =
      this.integers !== null
        ? grown(this.integers, this.rows).subarray(0, this.rows)
        : grown(this.doubles!, this.rows).subarray(0, this.rows);
    return { kind: 'number', values, nulls };
  }
}

export class BoolBuilder {
  private values: Uint8Array;
  rows = 0;

  constructor(capacity: number) {
    this.values = new Uint8Array(capacity);
  }

  push(value: boolean | null): void {
    if (this.rows >= this.values.length) this.values = grown(this.values, this.rows + 1);
    this.values[this.rows++] = value === null ? 2 : value ? 1 : 0;
  }

  finish(): DataColumn {
    return { kind: 'bool', values: this.values.subarray(0, this.rows) };
  }
}

export class TextBuilder {
  private readonly bytes: JsonOut;
  private offsets: Uint32Array;
  private nulls: Uint8Array | null = null;
  rows = 0;

  constructor(capacity: number, byteCapacity: number) {
    this.bytes = new JsonOut(Math.max(byteCapacity, 1 << 10));
    this.offsets = new Uint32Array(capacity + 1);
  }

  /** The text whose UTF-8 bytes are `source[start, end)`. */
  pushBytes(source: Buffer, start: number, end: number): void {
    this.bytes.copy(source, start, end);
    this.ended();
  }

  /**
   * The unquoted field at `start`, whose end is its first byte `stop1` or `stop2` (a one-byte
   * delimiter or line break), or `end`: its bytes are copied as its end is looked for. Returns that
   * end. An empty field is null.
   */
  pushField(source: Buffer, start: number, end: number, stop1: number, stop2: number): number {
    const fieldEnd = this.bytes.copyUntil(source, start, end, stop1, stop2);
    if (fieldEnd === start) this.nulls = markNull(this.nulls, this.rows, this.offsets.length);
    this.ended();
    return fieldEnd;
  }

  pushText(text: string): void {
    this.bytes.text(text);
    this.ended();
  }

  pushNull(): void {
    this.nulls = markNull(this.nulls, this.rows, this.offsets.length);
    this.ended();
  }

  private ended(): void {
    if (this.rows + 2 > this.offsets.length) this.offsets = grown(this.offsets, this.rows + 2);
    this.offsets[++this.rows] = this.bytes.length;
  }

  finish(): TextColumn {
    const nulls = this.nulls && grown(this.nulls, this.rows).subarray(0, this.rows);
    return {
      kind: 'text',
      bytes: this.bytes.take(),
      offsets: this.offsets.subarray(0, this.rows + 1),
      nulls,
    };
  }
}

/**
 * Text of repeats as codes into its words, each word found by its bytes (ByteIds), not by a string.
 * The words are made strings once, when the column is finished: an array pushed to in the loop of
 * the rows began as one of small integers, and the code V8 compiled for it was thrown away at a
 * table's first new word ("not a Smi").
 */
export class WordsBuilder {
  private readonly ids = new ByteIds();
  private readonly scratch = new JsonOut(1 << 8);
  private codes: Uint32Array;
  rows = 0;

  constructor(capacity: number) {
    this.codes = new Uint32Array(capacity);
  }

  /** The text whose UTF-8 bytes are `source[start, end)`. */
  pushBytes(source: Buffer, start: number, end: number): void {
    this.pushCode(this.ids.idOf(source, start, end));
  }

  /** TextBuilder.pushField's words: the field's bytes are hashed as its end is looked for. */
  pushField(source: Buffer, start: number, end: number, stop1: number, stop2: number): number {
    const first = start < end ? source[start] : stop1;
    if (first === stop1 || first === stop2) {
      this.pushCode(0);
      return start;
    }
    this.pushCode(this.ids.fieldId(source, start, end, stop1, stop2));
    return this.ids.fieldEnd;
  }

  pushText(text: string): void {
    this.scratch.length = 0;
    this.scratch.text(text);
    this.pushBytes(this.scratch.written(), 0, this.scratch.length);
  }

  pushNull(): void {
    this.pushCode(0);
  }

  private pushCode(code: number): void {
    if (this.rows >= this.codes.length) this.codes = grown(this.codes, this.rows + 1);
    this.codes[this.rows++] = code;
  }

  /** The column, its codes in as few bytes as its number of words allows. */
  finish(): WordsColumn {
    const words = Array.from({ length: this.ids.size }, (_, k) => textOf(this.ids.bytesOf(k + 1)));
    const codes = this.codes.subarray(0, this.rows);
    // Codes run from 0 (null) to words.length.
    const narrow =
      words.length <= 0xff ? new Uint8Array(codes) : words.length <= 0xffff ? new Uint16Array(codes) : codes;
    return { kind: 'words', codes: narrow, words };
  }
}
