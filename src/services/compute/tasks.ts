// The CPU-heavy steps of a compare, as plain functions of plain data, so that they can run in a
// worker thread (worker.ts) or, for small inputs, on the calling thread with the same result.
import { CsvSide } from '../../engine/keyed-csv.js';
import {
  compareKeyedSides,
  frameSide,
  type CompareError,
  type CompareParams,
  type KeyedDiff,
  type KeyedSide,
} from '../../engine/keyed-diff.js';
import type { Cell } from '../../engine/frame.js';
import { delimitedOptions, readFrame } from '../../engine/read-frame.js';
import { diffTables, type Paging, type TabularDiffView } from '../../engine/tabular-diff.js';
import { diffText, type LineDiff } from '../../engine/text-diff.js';
import { utf8Body } from '../../engine/utf8.js';

/** A tabular file's bytes and the extension that picks its reader. */
export interface FrameSource {
  bytes: Uint8Array;
  extension: string;
}

export type ComputeTask =
  | { kind: 'text-diff'; before: Uint8Array | null; after: Uint8Array | null }
  | { kind: 'table-diff'; base: FrameSource | null; head: FrameSource | null; paging: Paging }
  | { kind: 'keyed-diff'; left: FrameSource; right: FrameSource; params: CompareParams };

/**
 * A keyed compare's outcome. The derived rows travel as buffers of JSON lines (one object per row,
 * keyed by column name, each buffer ending with a whole line), which move between threads without a
 * copy and are what storage keeps.
 */
export type KeyedOutcome =
  | { ok: false; error: CompareError | { kind: 'unreadable'; side: 'left' | 'right' } }
  | { ok: true; diff: Omit<KeyedDiff, 'rows'>; rows: Uint8Array[] };

/** About how many characters of JSON lines go into one buffer. */
const CHUNK_CHARS = 1 << 20;

/** The text diff's lines, or null when either side is not UTF-8 (an absent side is empty). */
export function textDiffTask(before: Uint8Array | null, after: Uint8Array | null): LineDiff[] | null {
  const oldText = before ? utf8Body(before) : NO_BYTES;
  const newText = after ? utf8Body(after) : NO_BYTES;
  return oldText === null || newText === null ? null : diffText(oldText, newText);
}

const NO_BYTES = new Uint8Array(0);

export function tableDiffTask(
  base: FrameSource | null,
  head: FrameSource | null,
  paging: Paging,
): TabularDiffView {
  const frameOf = (s: FrameSource | null) => (s ? readFrame(s.bytes, s.extension) : null);
  return diffTables(frameOf(base), frameOf(head), paging);
}

/** A side of a keyed compare: CSV and TSV files are read lazily, other formats as whole frames. */
function keyedSide(source: FrameSource): KeyedSide | null {
  const options = delimitedOptions(source.extension);
  if (!options) {
    const frame = readFrame(source.bytes, source.extension);
    return frame && frameSide(frame);
  }
  const read = CsvSide.read(source.bytes, options);
  return read.ok ? read.side : null;
}

export function keyedDiffTask(left: FrameSource, right: FrameSource, params: CompareParams): KeyedOutcome {
  const leftSide = keyedSide(left);
  if (!leftSide) return { ok: false, error: { kind: 'unreadable', side: 'left' } };
  const rightSide = keyedSide(right);
  if (!rightSide) return { ok: false, error: { kind: 'unreadable', side: 'right' } };
  const result = compareKeyedSides(leftSide, rightSide, params);
  if (!result.ok) return result;
  const { height, row, ...diff } = result.diff;
  const line = jsonLine(diff.columns.map((c) => c.name));
  const rows: Uint8Array[] = [];
  let lines: string[] = [];
  let length = 0;
  for (let i = 0; i < height; i++) {
    const text = line(row(i));
    lines.push(text);
    length += text.length;
    if (length >= CHUNK_CHARS || i === height - 1) {
      // Joined, the lines are one flat string, which encodes fast; in memory of its own, it can move.
      const joined = lines.join('');
      const chunk = Buffer.allocUnsafeSlow(Buffer.byteLength(joined));
      chunk.write(joined);
      rows.push(chunk);
      [lines, length] = [[], 0];
    }
  }
  return { ok: true, diff, rows };
}

/**
 * Writes a row as a JSON object line, keys in column order: what JSON.stringify of the object would
 * give, without building the object (the names are encoded once).
 */
function jsonLine(names: string[]): (cells: Cell[]) => string {
  const prefixes = names.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`);
  const value = (cell: Cell | undefined) =>
    typeof cell === 'number'
      ? Number.isFinite(cell)
        ? String(cell)
        : 'null'
      : typeof cell === 'string'
        ? JSON.stringify(cell)
        : String(cell ?? null);
  // Joined from an array, a line is one flat string (a += chain would be a rope, slow to encode).
  const parts: string[] = [...prefixes.flatMap((p) => [p, '']), names.length === 0 ? '{}\n' : '}\n'];
  return (cells) => {
    for (let i = 0; i < names.length; i++) parts[2 * i + 1] = value(cells[i]);
    return parts.join('');
  };
}

export function runTask(task: ComputeTask): unknown {
  switch (task.kind) {
    case 'text-diff':
      return textDiffTask(task.before, task.after);
    case 'table-diff':
      return tableDiffTask(task.base, task.head, task.paging);
    case 'keyed-diff':
      return keyedDiffTask(task.left, task.right, task.params);
  }
}

/** Splits buffers of JSON lines into the row texts, `size` at a time. */
export function* jsonLineBatches(buffers: Uint8Array[], size: number): Generator<string[]> {
  let batch: string[] = [];
  for (const buffer of buffers) {
    const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let at = 0;
    while (at < bytes.length) {
      let end = bytes.indexOf(0x0a, at);
      if (end < 0) end = bytes.length;
      batch.push(bytes.toString('utf8', at, end));
      at = end + 1;
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
