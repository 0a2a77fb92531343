// The catalogue of Datafold API errors. Services throw these; src/http/datafold/errors.ts is the one
// place that turns them into the vendor's bodies (422 Pydantic items, RFC 7807 problems).

export interface ValidationItem {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type DatafoldErrorKind =
  | { kind: 'validation'; items: ValidationItem[] }
  | { kind: 'not-found'; id: number }
  | { kind: 'unauthorized' }
  /** A body Python's json module cannot read for another reason than bad syntax (nesting too deep). */
  | { kind: 'body-unreadable' };

export class DatafoldError extends Error {
  constructor(readonly detail: DatafoldErrorKind) {
    super(detail.kind);
  }
}

/** A Pydantic `value_error` raised by a model validator, as FastAPI reports it. */
export function valueError(loc: Array<string | number>, message: string, input: unknown): DatafoldError {
  return new DatafoldError({
    kind: 'validation',
    items: [{ type: 'value_error', loc, msg: `Value error, ${message}`, input, ctx: { error: {} } }],
  });
}
