/** A fixture or admin-API document that cannot be used; its message names the bad field. */
export class DocumentError extends Error {}
