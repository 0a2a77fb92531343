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

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, needed: number): T {
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

export class NumberBuilder {
  private values: Float64Array;
  private nulls: Uint8Array | null = null;
  rows = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  /**
   * A number, or null. NaN and the infinities are kept as null, as the tables stored as JSON before
   * kept them (JSON has no such number).
   */
  push(value: number | null): void {
    const row = this.rows++;
    this.values = grown(this.values, row + 1);
    if (value === null || !Number.isFinite(value)) this.nulls = markNull(this.nulls, row, this.values.length);
    else this.values[row] = value;
  }

  /** The column; as 32-bit integers when every value is one (half the bytes of doubles). */
  finish(): NumberColumn {
    const values = this.values.subarray(0, this.rows);
    const nulls = this.nulls && grown(this.nulls, this.rows).subarray(0, this.rows);
    let integers = true;
    for (let i = 0; i < values.length && integers; i++) {
      const value = values[i]!;
      // An Int32Array has no -0: a column holding one stays doubles.
      integers = (value | 0) === value && (value !== 0 || 1 / value > 0);
    }
    return { kind: 'number', values: integers ? new Int32Array(values) : values, nulls };
  }
}

export class BoolBuilder {
  private values: Uint8Array;
  rows = 0;

  constructor(capacity: number) {
    this.values = new Uint8Array(capacity);
  }

  push(value: boolean | null): void {
    this.values = grown(this.values, this.rows + 1);
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

  pushText(text: string): void {
    this.bytes.text(text);
    this.ended();
  }

  pushNull(): void {
    this.nulls = markNull(this.nulls, this.rows, this.offsets.length);
    this.ended();
  }

  private ended(): void {
    this.offsets = grown(this.offsets, this.rows + 2);
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

/** Text of repeats as codes into its words, each word found by its bytes (ByteIds), not by a string. */
export class WordsBuilder {
  readonly words: string[] = [];
  private readonly ids = new ByteIds();
  private readonly scratch = new JsonOut(1 << 8);
  private codes: Uint32Array;
  rows = 0;

  constructor(capacity: number) {
    this.codes = new Uint32Array(capacity);
  }

  /** The text whose UTF-8 bytes are `source[start, end)`. */
  pushBytes(source: Buffer, start: number, end: number): void {
    const code = this.ids.idOf(source, start, end);
    if (code > this.words.length) this.words.push(source.toString('utf8', start, end));
    this.pushCode(code);
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
    this.codes = grown(this.codes, this.rows + 1);
    this.codes[this.rows++] = code;
  }

  /** The column, its codes in as few bytes as its number of words allows. */
  finish(): WordsColumn {
    const { words } = this;
    const codes = this.codes.subarray(0, this.rows);
    // Codes run from 0 (null) to words.length.
    const narrow =
      words.length <= 0xff ? new Uint8Array(codes) : words.length <= 0xffff ? new Uint16Array(codes) : codes;
    return { kind: 'words', codes: narrow, words };
  }
}
