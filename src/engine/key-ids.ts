// The keys of a data diff's two sides as integer ids that both share, one per distinct key, found by
// the key's bytes (ByteIds): a key of several columns, of text or of fractions is then indexed as an
// integer key is (key-index.ts), with no string made per row, where a Map of each row's key as JSON
// took 2.3-2.6 s for two 1M-row tables keyed by two columns (by hand).
import { ByteIds } from './byte-ids.js';
import type { DataColumn, TypedColumn } from './data-column.js';
import { keepShapes } from './kept-shapes.js';

/** Each row's key as a double (NaN for a null key), and how many rows have a null key. */
export interface IntegerKeys {
  keys: Float64Array;
  nulls: number;
}

// A key's bytes: each part a tag, then its value. Text has its length first, so that no two keys of
// parts run together alike; a number is its 8 bytes, -0 as 0 (a Map's keys are alike so).
const NUMBER = 1;
const TEXT = 2;
const FALSE = 3;
const TRUE = 4;

/** Writes row `row`'s part of a key at `at` in `out` (made large enough), or -1 for a null. */
type PartWriter = (row: number, out: KeyBuffer, at: number) => number;

class KeyBuffer {
  bytes = new Uint8Array(256);
  private readonly number = new Float64Array(1);
  private readonly numberBytes = new Uint8Array(this.number.buffer);

  room(needed: number): void {
    if (needed <= this.bytes.length) return;
    const larger = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    larger.set(this.bytes);
    this.bytes = larger;
  }

  writeNumber(value: number, at: number): number {
    this.room(at + 9);
    this.bytes[at] = NUMBER;
    this.number[0] = value + 0; // -0 is 0
    this.bytes.set(this.numberBytes, at + 1);
    return at + 9;
  }

  writeText(source: Uint8Array, start: number, end: number, at: number): number {
    const length = end - start;
    this.room(at + 5 + length);
    const { bytes } = this;
    bytes[at] = TEXT;
    bytes[at + 1] = length & 0xff;
    bytes[at + 2] = (length >>> 8) & 0xff;
    bytes[at + 3] = (length >>> 16) & 0xff;
    bytes[at + 4] = length >>> 24;
    for (let k = 0; k < length; k++) bytes[at + 5 + k] = source[start + k]!;
    return at + 5 + length;
  }
}

function partWriter(column: TypedColumn): PartWriter {
  switch (column.kind) {
    case 'number': {
      const { values, nulls } = column;
      return (row, out, at) => (nulls?.[row] ? -1 : out.writeNumber(values[row]!, at));
    }
    case 'bool': {
      const { values } = column;
      return (row, out, at) => {
        const value = values[row]!;
        if (value === 2) return -1;
        out.room(at + 1);
        out.bytes[at] = value === 1 ? TRUE : FALSE;
        return at + 1;
      };
    }
    case 'text': {
      const { bytes, offsets, nulls } = column;
      return (row, out, at) =>
        nulls?.[row] ? -1 : out.writeText(bytes, offsets[row]!, offsets[row + 1]!, at);
    }
    case 'words': {
      const { codes } = column;
      const words = column.words.map((word) => Buffer.from(word));
      return (row, out, at) => {
        const code = codes[row]!;
        return code === 0 ? -1 : out.writeText(words[code - 1]!, 0, words[code - 1]!.length, at);
      };
    }
  }
}

/** Each row's key as its id among `ids` (NaN when a part of it is null). */
function idsOf(columns: TypedColumn[], height: number, ids: ByteIds): IntegerKeys {
  const writers = columns.map(partWriter);
  const out = new KeyBuffer();
  const keys = new Float64Array(height);
  let nulls = 0;
  for (let row = 0; row < height; row++) {
    let at = 0;
    for (let c = 0; c < writers.length && at >= 0; c++) at = writers[c]!(row, out, at);
    if (at < 0) {
      keys[row] = NaN;
      nulls++;
    } else keys[row] = ids.idOf(out.bytes, 0, at);
  }
  return { keys, nulls };
}

/**
 * The keys of A (its key columns `a`, `heightA` rows) and of B as ids both share: equal keys get
 * one id exactly when a Map of each key (one column's value, or several columns' as JSON) would
 * find them alike. Null unless every key column on both sides is typed: a column of cells (read
 * with SQL, or stored as JSON before) can hold text that UTF-8 does not keep as it is.
 */
export function sharedKeyIds(
  a: DataColumn[],
  heightA: number,
  b: DataColumn[],
  heightB: number,
): [IntegerKeys, IntegerKeys] | null {
  const typed = (columns: DataColumn[]): columns is TypedColumn[] => columns.every((c) => !Array.isArray(c));
  if (!typed(a) || !typed(b)) return null;
  const ids = new ByteIds();
  return [idsOf(a, heightA, ids), idsOf(b, heightB, ids)];
}

// See kept-shapes.ts.
keepShapes(new KeyBuffer());
