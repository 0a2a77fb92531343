// The catalogue of oxen-server errors the compare API answers with (reference §2.2). Services throw
// these; src/http/oxen/errors.ts is the one place that turns them into the vendor's bodies.

export type OxenErrorKind =
  | { kind: 'repo-not-found'; namespace: string; name: string }
  | { kind: 'revision-not-found'; revision: string }
  | { kind: 'resource-not-found'; resource: string }
  | { kind: 'path-does-not-exist'; path: string }
  | { kind: 'not-found' }
  | { kind: 'bad-request' }
  | { kind: 'body-parse'; message: string }
  | { kind: 'query-parse'; message: string }
  /** DF options (filter, sort_by, …) that 0.50.0 would panic or 500 on; newer servers reject them. */
  | { kind: 'df-options'; message: string }
  | { kind: 'incompatible-schemas'; fields: Array<{ name: string; dtype: string }> }
  /** oxen's OxenError::Basic: the real server answers these with 500. */
  | { kind: 'basic'; message: string };

export class OxenError extends Error {
  constructor(readonly detail: OxenErrorKind) {
    super(detail.kind);
  }
}

export const oxenError = (detail: OxenErrorKind): OxenError => new OxenError(detail);
