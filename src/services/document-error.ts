/** A fixture or admin-API document that cannot be used; its message names the bad field. */
export class DocumentError extends Error {}

/** `error` as thrown while loading fixture file `source`: a DocumentError then names that file. */
export function inFixture(source: string, error: unknown): unknown {
  return error instanceof DocumentError ? new DocumentError(`${source}: ${error.message}`) : error;
}
