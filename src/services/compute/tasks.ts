// The CPU-heavy steps of a compare, as plain functions of plain data, so that they can run in a
// worker thread (worker.ts) or, for small inputs, on the calling thread with the same result.
import type { MessagePort } from 'node:worker_threads';
import { CsvSide } from '../../engine/keyed-csv.js';
import {
  compareKeyedSides,
  frameSide,
  type CompareError,
  type CompareParams,
  type KeyedDiff,
  type KeyedSide,
} from '../../engine/keyed-diff.js';
import { JsonOut } from '../../engine/json-out.js';
import { delimitedOptions, readFrame } from '../../engine/read-frame.js';
import { diffTables, type Paging, type TabularDiffView } from '../../engine/tabular-diff.js';
import { diffText, type LineDiff } from '../../engine/text-diff.js';
import { utf8Body } from '../../engine/utf8.js';
import { datadiffTask, type DatadiffTask } from './datadiff-task.js';

/** A tabular file's bytes and the extension that picks its reader. */
export interface FrameSource {
  bytes: Uint8Array;
  extension: string;
}

export type ComputeTask =
  | { kind: 'text-diff'; before: Uint8Array | null; after: Uint8Array | null }
  | { kind: 'table-diff'; base: FrameSource | null; head: FrameSource | null; paging: Paging }
  | { kind: 'keyed-diff'; left: FrameSource; right: FrameSource; params: CompareParams; port: MessagePort }
  | { kind: 'datadiff'; task: DatadiffTask };

/**
 * A keyed compare's outcome. The derived rows travel as buffers of JSON lines (one object per row,
 * keyed by column name, each buffer ending with a whole line), which move between threads without a
 * copy and are what storage keeps: all of them (`Rows` an array), or as they are made.
 */
export type KeyedOutcome<Rows = Uint8Array[]> =
  | { ok: false; error: CompareError | { kind: 'unreadable'; side: 'left' | 'right' } }
  | { ok: true; diff: Omit<KeyedDiff, 'rows'>; rows: Rows };

/** A keyed compare's outcome before its rows: what is known once the join is done. */
export type KeyedStart = KeyedOutcome<null>;

/**
 * What a worker thread sends of a keyed compare on the task's port: its start, then its rows' buffers
 * one at a time as they are made (moved, not copied), so that they can be stored while the rest are
 * made, then the end.
 */
export type KeyedMessage =
  { kind: 'start'; start: KeyedStart } | { kind: 'rows'; bytes: Uint8Array } | { kind: 'end' };

/** About how many bytes of JSON lines go into one buffer. */
const CHUNK_BYTES = 1 << 20;

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
  const sideOf = (s: FrameSource | null) => (s ? keyedSide(s) : null);
  return diffTables(sideOf(base), sideOf(head), paging);
}

/**
 * A side of a keyed compare or a tabular diff: CSV and TSV files are read lazily, other formats as
 * whole frames.
 */
function keyedSide(source: FrameSource): KeyedSide | null {
  const options = delimitedOptions(source.extension);
  if (!options) {
    const frame = readFrame(source.bytes, source.extension);
    return frame && frameSide(frame);
  }
  const read = CsvSide.read(source.bytes, options);
  return read.ok ? read.side : null;
}

/** The keyed compare, its rows all made. */
export function keyedDiffTask(left: FrameSource, right: FrameSource, params: CompareParams): KeyedOutcome {
  let start: KeyedStart | undefined;
  const rows: Uint8Array[] = [];
  writeKeyedDiff(left, right, params, {
    start: (s) => (start = s),
    rows: (bytes) => rows.push(bytes),
  });
  return start!.ok ? { ...start!, rows } : start!;
}

/** The keyed compare: its start to `out.start`, then its rows to `out.rows`, a buffer at a time. */
function writeKeyedDiff(
  left: FrameSource,
  right: FrameSource,
  params: CompareParams,
  out: { start(start: KeyedStart): void; rows(bytes: Uint8Array): void },
): void {
  const leftSide = keyedSide(left);
  if (!leftSide) return out.start({ ok: false, error: { kind: 'unreadable', side: 'left' } });
  const rightSide = keyedSide(right);
  if (!rightSide) return out.start({ ok: false, error: { kind: 'unreadable', side: 'right' } });
  const result = compareKeyedSides(leftSide, rightSide, params);
  if (!result.ok) return out.start(result);
  // The rest are plain data, which can be posted to the thread that asked.
  const { height, row, writeRow, ...diff } = result.diff;
  out.start({ ok: true, diff, rows: null });
  const lines = new JsonOut(CHUNK_BYTES + (CHUNK_BYTES >> 4));
  for (let i = 0; i < height; i++) {
    writeRow(i, lines);
    if (lines.length >= CHUNK_BYTES || i === height - 1) out.rows(lines.take());
  }
}

/** Runs a text or table diff; a keyed compare is written to its port (see KeyedMessage). */
export function runTask(task: ComputeTask): unknown {
  switch (task.kind) {
    case 'text-diff':
      return textDiffTask(task.before, task.after);
    case 'table-diff':
      return tableDiffTask(task.base, task.head, task.paging);
    case 'datadiff':
      return datadiffTask(task.task);
    case 'keyed-diff': {
      const { port } = task;
      const send = (message: KeyedMessage, moved: ArrayBuffer[] = []) => port.postMessage(message, moved);
      writeKeyedDiff(task.left, task.right, task.params, {
        start: (start) => send({ kind: 'start', start }),
        rows: (bytes) => send({ kind: 'rows', bytes }, [bytes.buffer as ArrayBuffer]),
      });
      send({ kind: 'end' });
      port.close();
      return null;
    }
  }
}

/**
 * Splits buffers of JSON lines into the row texts, `size` at most at a time, as the buffers come: the
 * lines of a buffer are given before the next buffer is waited for.
 */
export async function* jsonLineBatches(
  buffers: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for await (const buffer of buffers) {
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
    if (batch.length > 0) yield batch;
    batch = [];
  }
}
