import { valueAt, type DataColumn } from '../../src/engine/data-column.js';
import type { Cell } from '../../src/engine/frame.js';
import { readTableBytes } from '../../src/services/compute/table-bytes.js';

/** A column's `height` cells as an array. */
export const cellsOf = (column: DataColumn, height: number): Cell[] =>
  Array.isArray(column) ? column : Array.from({ length: height }, (_, row) => valueAt(column, row));

/** How each column of a stored table is kept: 'number', 'bool', 'text', 'words', or 'cells' (an array). */
export const storedAs = (data: Uint8Array) =>
  readTableBytes(data).values.map((c) => (Array.isArray(c) ? 'cells' : c.kind));
