// The one place that turns the Datafold error catalogue into the vendor's bodies: FastAPI's 422
// `{"detail": [...]}`, and RFC 7807 problems (reference §3.2) for what the OpenAPI leaves undocumented.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { DatafoldErrorKind } from '../../services/datafold/errors.js';

export interface DatafoldReply {
  statusCode: number;
  contentType: string;
  body: unknown;
}

let counter = 0;

/** An opaque instance id shaped like Datafold's: `<time>/<random>/<n>`. */
function instance(): string {
  return `${new Date().toISOString().replace('Z', '000Z')}/${randomBytes(4).toString('hex')}/${++counter}`;
}

function problem(status: number, type: string, title: string, detail: string): DatafoldReply {
  return {
    statusCode: status,
    contentType: 'application/problem+json',
    body: { type, title, status, detail, instance: instance() },
  };
}

export function datafoldErrorReply(e: DatafoldErrorKind): DatafoldReply {
  switch (e.kind) {
    case 'validation':
      return { statusCode: 422, contentType: 'application/json', body: { detail: e.items } };
    case 'not-found':
      return problem(404, '/errors/not-found', 'Not found', `Data diff with id=${e.id} does not exist`);
    case 'body-unreadable':
      // FastAPI's answer when reading the body raises anything but a JSONDecodeError.
      return {
        statusCode: 400,
        contentType: 'application/json',
        body: { detail: 'There was an error parsing the body' },
      };
    case 'unauthorized':
      return problem(
        401,
        '/errors/unauthorized',
        'Authentication required',
        "Send your API key in the Authorization header: 'Key <api-key>'",
      );
  }
}

/** A status asked for by a fault rule or `Prefer: code=`, in the body Datafold would give it. */
export function datafoldStatusReply(status: number): DatafoldReply {
  const why = 'fault injected by diffmock';
  if (status === 401) return datafoldErrorReply({ kind: 'unauthorized' });
  if (status === 422)
    return datafoldErrorReply({
      kind: 'validation',
      items: [
        { type: 'value_error', loc: ['body'], msg: `Value error, ${why}`, input: null, ctx: { error: {} } },
      ],
    });
  const title = STATUS_CODES[status] ?? 'Error';
  return problem(status, `/errors/${title.toLowerCase().replace(/\W+/g, '-')}`, title, why);
}

/** The answer of the proxy in front of Datafold's API to a body over its size limit. */
export const bodyTooLarge = (): DatafoldReply => ({
  statusCode: 413,
  contentType: 'application/json',
  body: { detail: 'Request Entity Too Large' },
});

/** Starlette's answers for a route that does not exist, or exists for other methods. */
export const starletteNotFound = (): DatafoldReply => ({
  statusCode: 404,
  contentType: 'application/json',
  body: { detail: 'Not Found' },
});
export const starletteMethodNotAllowed = (): DatafoldReply => ({
  statusCode: 405,
  contentType: 'application/json',
  body: { detail: 'Method Not Allowed' },
});
