// The one place that turns the Oxen error catalogue into oxen-server 0.50.0's bodies (reference §2.2).
import { STATUS_CODES } from 'node:http';
import { OXEN_VERSION } from '../../services/oxen/views.js';
import type { OxenErrorKind } from '../../services/oxen/errors.js';

export interface ErrorReply {
  statusCode: number;
  body: unknown;
  /** actix's query extractor answers in plain text, not JSON. */
  text?: boolean;
}

const nested = (
  statusCode: number,
  type: string,
  title: string,
  statusMessage: string,
  detail?: string,
): ErrorReply => ({
  statusCode,
  body: {
    error: { type, title, ...(detail !== undefined && { detail }) },
    status: 'error',
    status_message: statusMessage,
  },
});

const plain = (
  statusCode: number,
  statusMessage: string,
  extra: Record<string, string> = {},
): ErrorReply => ({
  statusCode,
  body: { status: 'error', status_message: statusMessage, oxen_version: OXEN_VERSION, ...extra },
});

export const routeNotFound = (): ErrorReply => plain(404, 'resource_not_found');

/** A status asked for by a fault rule or `Prefer: code=`, with the body oxen-server gives it. */
export function oxenStatusReply(status: number): ErrorReply {
  if (status === 401) return { statusCode: 401, body: '', text: true };
  const known: Record<number, string> = {
    400: 'bad_request',
    404: 'resource_not_found',
    500: 'internal_server_error',
  };
  const reason = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/\W+/g, '_');
  return plain(status, known[status] ?? reason);
}

export function oxenErrorReply(e: OxenErrorKind): ErrorReply {
  switch (e.kind) {
    case 'repo-not-found':
      return plain(404, 'resource_not_found', {
        status_description: `Repository '${e.namespace}/${e.name}' not found`,
      });
    case 'revision-not-found':
      return nested(
        404,
        'resource_not_found',
        'Revision not found',
        'resource_not_found',
        `Could not find branch or commit: ${e.revision}`,
      );
    case 'resource-not-found':
      return nested(
        404,
        'resource_not_found',
        'Resource not found',
        'resource_not_found',
        `Could not find path: ${e.resource}`,
      );
    case 'path-does-not-exist':
      return nested(
        404,
        'resource_not_found',
        'Path does not exist',
        'resource_not_found',
        `Could not find path: ${e.path}`,
      );
    case 'not-found':
      return plain(404, 'resource_not_found');
    case 'bad-request':
      return plain(400, 'bad_request');
    case 'body-parse':
      return plain(400, e.message);
    case 'query-parse':
      return { statusCode: 400, body: `Query deserialize error: ${e.message}`, text: true };
    case 'df-options':
      return nested(400, 'bad_request', 'Invalid data frame options', 'bad_request', e.message);
    case 'incompatible-schemas': {
      const fields = e.fields.map((f) => `${f.name}: ${f.dtype}`).join(', ');
      return nested(
        400,
        'schema_error',
        'Incompatible Schemas',
        'bad_request',
        `Schema does not match. Valid Fields [${fields}]`,
      );
    }
    // 0.50.0 answers these bad inputs with a 500 OxenError::Basic; a mock never answers bad input with
    // a 5xx (contract tools flag every 5xx), so they get the BadRequest body of newer servers instead.
    case 'basic':
      return nested(400, 'bad_request', 'Bad Request', 'bad_request', e.message);
  }
}
