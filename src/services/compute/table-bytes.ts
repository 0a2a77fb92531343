// A data source's table as storage keeps it: its typed columns (data-column.ts in the engine) laid
// out as bytes, which a data diff reads where they lie (readTableBytes), in its worker thread or
// process, without parsing a value per cell. Tables stored before, as JSON, still read (table-json.ts).
//
//   "DMT1", the header's length (u32, little-endian), the header's JSON
//   {columns: [{name, dtype}], height, layout: [one entry a column]}, then each column's sections,
//   each starting at a multiple of 8 bytes:
//     number  {kind, type: 'i32' | 'f64', nulls}   values (height of the type), then nulls (height bytes) if any
//     bool    {kind}                               height bytes: 0 false, 1 true, 2 null
//     text    {kind, bytes, nulls}                 offsets (u32, height + 1), UTF-8 bytes, then nulls if any
//     words   {kind, words, width: 1 | 2 | 4}      codes (height of `width` bytes): 0 null, k words[k - 1]
//     cells   {kind, bytes}                        a JSON array of the cells (a column of mixed kinds)
// Numbers are in the machine's byte order (little-endian on every machine Node runs on here).
import type { Dataset } from '../../engine/datadiff.js';
import type { DataColumn } from '../../engine/data-column.js';
import type { Cell } from '../../engine/frame.js';
import {
  BoolBuilder,
  mostDistinct,
  NumberBuilder,
  SAMPLE,
  TextBuilder,
  WordsBuilder,
} from './column-builders.js';
import { keepShapes } from '../../engine/kept-shapes.js';

const MAGIC = Buffer.from('DMT1');

type Layout =
  | { kind: 'number'; type: 'i32' | 'f64'; nulls: boolean }
  | { kind: 'bool' }
  | { kind: 'text'; bytes: number; nulls: boolean }
  | { kind: 'words'; words: string[]; width: 1 | 2 | 4 }
  | { kind: 'cells'; bytes: number };

interface Header {
  columns: Dataset['columns'];
  height: number;
  layout: Layout[];
}

const pad = (at: number) => (at + 7) & ~7;
const bytesOf = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** Whether the bytes are a table stored by encodeTable (not JSON, which starts with "{"). */
export const isTableBytes = (data: Uint8Array) =>
  data.length >= 8 && MAGIC.every((byte, k) => data[k] === byte);

/** Zeros, for the padding that starts each section at a multiple of 8 (never written to). */
const ZEROS = Buffer.alloc(8);

/**
 * A table's bytes as storage keeps them, in chunks to be written one after the other: its head,
 * then each column's sections, each after the zeros that start it at a multiple of 8. The sections
 * are the columns' own arrays, not copies: storage writes them in parts (parts.ts), where joining
 * them first copied all of a table once more (25 ms of a 1M-row table's 330, by hand).
 */
export function tableChunks(dataset: Dataset): Buffer[] {
  const sections: Uint8Array[][] = [];
  const layout = dataset.values.map((column, c): Layout => {
    if (Array.isArray(column)) {
      const json = Buffer.from(JSON.stringify(column));
      sections[c] = [json];
      return { kind: 'cells', bytes: json.length };
    }
    switch (column.kind) {
      case 'number':
        sections[c] = [bytesOf(column.values), ...(column.nulls ? [column.nulls] : [])];
        return {
          kind: 'number',
          type: column.values instanceof Int32Array ? 'i32' : 'f64',
          nulls: !!column.nulls,
        };
      case 'bool':
        sections[c] = [column.values];
        return { kind: 'bool' };
      case 'text':
        sections[c] = [bytesOf(column.offsets), column.bytes, ...(column.nulls ? [column.nulls] : [])];
        return { kind: 'text', bytes: column.bytes.length, nulls: !!column.nulls };
      case 'words':
        sections[c] = [bytesOf(column.codes)];
        return { kind: 'words', words: column.words, width: column.codes.BYTES_PER_ELEMENT as 1 | 2 | 4 };
    }
  });
  const header: Header = { columns: dataset.columns, height: dataset.height, layout };
  const head = Buffer.from(JSON.stringify(header));
  const start = Buffer.alloc(8 + head.length);
  MAGIC.copy(start, 0);
  start.writeUInt32LE(head.length, 4);
  head.copy(start, 8);
  const chunks: Buffer[] = [start];
  let at = start.length;
  // An empty section last: its zeros end the table at a multiple of 8 too.
  for (const section of [...sections.flat(), new Uint8Array(0)]) {
    if (pad(at) > at) chunks.push(ZEROS.subarray(0, pad(at) - at));
    at = pad(at) + section.length;
    if (section.length > 0) chunks.push(Buffer.from(section.buffer, section.byteOffset, section.length));
  }
  return chunks;
}

/** A table's bytes, as storage keeps them, in one buffer. */
export function encodeTable(dataset: Dataset): Buffer {
  return Buffer.concat(tableChunks(dataset));
}

/**
 * The table in bytes made by encodeTable. Its columns are views of the bytes, which are copied only
 * when they do not start at a multiple of 8 (a typed array of doubles must).
 */
export function readTableBytes(data: Uint8Array): Dataset {
  const bytes = data.byteOffset % 8 === 0 ? data : new Uint8Array(data);
  const { buffer, byteOffset } = bytes;
  const headLength = new DataView(buffer, byteOffset).getUint32(4, true);
  const header = JSON.parse(Buffer.from(buffer, byteOffset + 8, headLength).toString()) as Header;
  const { height } = header;
  let at = byteOffset + pad(8 + headLength);
  /** The next section, `length` items of `Type`. */
  const next = <T>(
    Type: new (buffer: ArrayBufferLike, offset: number, length: number) => T,
    length: number,
    size: number,
  ) => {
    const view = new Type(buffer, at, length);
    at = pad(at + length * size);
    return view;
  };
  const values = header.layout.map((entry): DataColumn => {
    switch (entry.kind) {
      case 'number': {
        const numbers = entry.type === 'i32' ? next(Int32Array, height, 4) : next(Float64Array, height, 8);
        return { kind: 'number', values: numbers, nulls: entry.nulls ? next(Uint8Array, height, 1) : null };
      }
      case 'bool':
        return { kind: 'bool', values: next(Uint8Array, height, 1) };
      case 'text': {
        const offsets = next(Uint32Array, height + 1, 4);
        const text = next(Uint8Array, entry.bytes, 1);
        const nulls = entry.nulls ? next(Uint8Array, height, 1) : null;
        return {
          kind: 'text',
          bytes: Buffer.from(text.buffer, text.byteOffset, text.length),
          offsets,
          nulls,
        };
      }
      case 'words': {
        const codes =
          entry.width === 1
            ? next(Uint8Array, height, 1)
            : entry.width === 2
              ? next(Uint16Array, height, 2)
              : next(Uint32Array, height, 4);
        return { kind: 'words', codes, words: entry.words };
      }
      case 'cells':
        return JSON.parse(Buffer.from(next(Uint8Array, entry.bytes, 1)).toString()) as Cell[];
    }
  });
  return { columns: header.columns, values, height };
}

/** A column of cells typed: by the one kind its values have, or kept as cells when they mix kinds. */
function typedColumn(cells: Cell[]): DataColumn {
  const kinds = new Set<string>();
  for (const cell of cells)
    if (cell !== null) kinds.add(typeof cell === 'string' && !cell.isWellFormed() ? 'unpaired' : typeof cell);
  const [kind] = kinds;
  if (kinds.size > 1 || kind === 'unpaired') return cells;
  if (kind === 'number') {
    const out = new NumberBuilder(cells.length);
    for (const cell of cells) out.push(cell as number | null);
    return out.finish();
  }
  if (kind === 'boolean') {
    const out = new BoolBuilder(cells.length);
    for (const cell of cells) out.push(cell as boolean | null);
    return out.finish();
  }
  const sample = cells.filter((cell) => cell !== null).slice(0, SAMPLE);
  if (mostDistinct(new Set(sample).size, sample.length)) {
    const out = new TextBuilder(cells.length, 0);
    for (const cell of cells)
      if (cell === null) out.pushNull();
      else out.pushText(cell as string);
    return out.finish();
  }
  const out = new WordsBuilder(cells.length);
  for (const cell of cells)
    if (cell === null) out.pushNull();
    else out.pushText(cell as string);
  return out.finish();
}

/**
 * The bytes a table is stored as, its columns of cells typed (a table read from SQLite, or a CSV
 * read as text).
 */
export function tableBytes({ columns, values, height }: Dataset): Buffer {
  return encodeTable({
    columns,
    values: values.map((column) => (Array.isArray(column) ? typedColumn(column) : column)),
    height,
  });
}

// See kept-shapes.ts: a small table read back, with a column of each kind a table's bytes hold.
keepShapes(
  readTableBytes(
    tableBytes({
      columns: ['i', 'n', 'f', 'b', 't', 'w', 'c'].map((name) => ({ name, dtype: 'str' as const })),
      values: [
        [1, 2],
        [1, null],
        [1.5, 2],
        [true, false],
        ['a', 'b'],
        ['x', 'x'],
        [1, 'x'],
      ],
      height: 2,
    }),
  ),
);
