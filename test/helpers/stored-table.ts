import { readTableBytes } from '../../src/services/compute/table-bytes.js';

/** How each column of a stored table is kept: 'number', 'bool', 'text', 'words', or 'cells' (an array). */
export const storedAs = (data: Uint8Array) =>
  readTableBytes(data).values.map((c) => (Array.isArray(c) ? 'cells' : c.kind));
