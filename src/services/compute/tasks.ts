// The CPU-heavy steps of a compare, as plain functions of plain data, so that they can run in a
// worker thread (worker.ts) or, for small inputs, on the calling thread with the same result.
import { CsvSide } from '../../engine/keyed-csv.js';
import {
  diffKeyedSides,
  frameSide,
  type CompareError,
  type CompareParams,
  type KeyedDiff,
  type KeyedSide,
} from '../../engine/keyed-diff.js';
import { decodeUtf8 } from '../../engine/utf8.js';
import { delimitedOptions, readFrame } from '../../engine/read-frame.js';
import { diffTables, type Paging, type TabularDiffView } from '../../engine/tabular-diff.js';
import { diffText, type LineDiff } from '../../engine/text-diff.js';

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
 * A keyed compare's outcome. The derived rows travel as one buffer of JSON lines (one object per
 * row, keyed by column name), which is cheap to pass between threads and is what storage keeps.
 */
export type KeyedOutcome =
  | { ok: false; error: CompareError | { kind: 'unreadable'; side: 'left' | 'right' } }
  | { ok: true; diff: Omit<KeyedDiff, 'rows'>; rows: Uint8Array };

const ROWS_PER_CHUNK = 10_000;

/** The text diff's lines, or null when either side is not UTF-8 (an absent side is empty). */
export function textDiffTask(before: Uint8Array | null, after: Uint8Array | null): LineDiff[] | null {
  const oldText = before ? decodeUtf8(before) : '';
  const newText = after ? decodeUtf8(after) : '';
  return oldText === null || newText === null ? null : diffText(oldText, newText);
}

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
  const result = diffKeyedSides(leftSide, rightSide, params);
  if (!result.ok) return result;
  const { rows, ...diff } = result.diff;
  const names = diff.columns.map((c) => c.name);
  const chunks: Buffer[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    let text = '';
    for (const row of rows.slice(start, start + ROWS_PER_CHUNK))
      text += `${JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i] ?? null])))}\n`;
    chunks.push(Buffer.from(text));
  }
  return { ok: true, diff, rows: Buffer.concat(chunks) };
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

/** Splits a buffer of JSON lines into the row texts, `size` at a time. */
export function* jsonLineBatches(buffer: Uint8Array, size: number): Generator<string[]> {
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let batch: string[] = [];
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
  if (batch.length > 0) yield batch;
}
