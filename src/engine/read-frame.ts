// Picks the reader for a tabular file by its extension, as oxen's `tabular::read_df` does.
import { decodeUtf8 } from './utf8.js';
import { readLayout, scanBounds } from './csv-bounds.js';
import { readCsv, type CsvOptions } from './csv.js';
import type { Dtype, Frame } from './frame.js';
import { readJsonArray, readJsonLines } from './jsonl.js';

/** How a delimited file (csv, tsv) is read; null for other formats. */
export function delimitedOptions(extension: string): CsvOptions | null {
  const ext = extension.toLowerCase();
  return ext === 'csv' ? {} : ext === 'tsv' ? { delimiter: '\t' } : null;
}

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
        : readCsv(text, delimitedOptions(ext) ?? {});
  return parsed.ok ? parsed.frame : null;
}

/**
 * A tabular file's columns and row count, as `readFrame` would give them, or null. A CSV or TSV is
 * not read into a frame for this: its head gives the dtypes and one pass over its bytes counts its rows.
 */
export function readShape(
  bytes: Uint8Array,
  extension: string,
): { columns: Array<{ name: string; dtype: Dtype }>; height: number } | null {
  const options = delimitedOptions(extension);
  if (!options) {
    const frame = readFrame(bytes, extension);
    return frame && { columns: frame.columns, height: frame.height };
  }
  const read = readLayout(bytes, options);
  if (!read.ok) return null;
  let rows = 0;
  scanBounds(read.layout.body, read.layout.dialect, { limit: 1, field() {}, rowEnd: () => void rows++ });
  return { columns: read.layout.columns, height: rows - 1 };
}
