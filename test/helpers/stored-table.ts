/** Each stored column of a stored table's JSON: 'joined' for `{text, ends}`, 'array' for an array. */
export const storedAs = (json: string) =>
  (JSON.parse(json) as { values: unknown[] }).values.map((c) => (Array.isArray(c) ? 'array' : 'joined'));
