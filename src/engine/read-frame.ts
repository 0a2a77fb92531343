// Picks the reader for a tabular file by its extension, as oxen's `tabular::read_df` does.
import { decodeUtf8 } from './utf8.js';
import { readCsv } from './csv.js';
import type { Frame } from './frame.js';
import { readJsonArray, readJsonLines } from './jsonl.js';

/**
 * The frame in `bytes`, or null when it cannot be read: not UTF-8, malformed, or a binary format
 * (parquet, arrow) that this mock does not decode.
 */
export function readFrame(bytes: Uint8Array, extension: string): Frame | null {
  const ext = extension.toLowerCase();
  if (ext === 'parquet' || ext === 'arrow') return null;
  const text = decodeUtf8(bytes);
  if (text === null) return null;
  const parsed =
    ext === 'jsonl' || ext === 'ndjson'
      ? readJsonLines(text)
      : ext === 'json'
        ? readJsonArray(text)
        : readCsv(text, ext === 'tsv' ? { delimiter: '\t' } : {});
  return parsed.ok ? parsed.frame : null;
}
