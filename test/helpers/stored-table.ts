import { valueAt, type DataColumn } from '../../src/engine/data-column.js';
import type { CsvOptions } from '../../src/engine/csv.js';
import type { Cell } from '../../src/engine/frame.js';
import { csvTableSteps } from '../../src/services/compute/csv-table.js';
import { readTableBytes } from '../../src/services/compute/table-bytes.js';
import { runNow } from '../../src/services/steps.js';

/** A column's `height` cells as an array. */
export const cellsOf = (column: DataColumn, height: number): Cell[] =>
  Array.isArray(column) ? column : Array.from({ length: height }, (_, row) => valueAt(column, row));

/** How each column of a stored table is kept: 'number', 'bool', 'text', 'words', or 'cells' (an array). */
export const storedAs = (data: Uint8Array) =>
  readTableBytes(data).values.map((c) => (Array.isArray(c) ? 'cells' : c.kind));

/** The stored bytes of the table in a CSV (csvTableSteps run at once, its chunks joined), or why not. */
export function csvTableData(
  csv: string | Uint8Array,
  options: CsvOptions,
): { ok: true; data: Buffer } | { ok: false; error: string } {
  const out = runNow(csvTableSteps(csv, options));
  return out.ok ? { ok: true, data: Buffer.concat(out.chunks) } : out;
}
