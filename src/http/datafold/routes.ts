// The Datafold data diffs API under /api/v1/datadiffs. Requests are validated the way FastAPI does
// (pydantic.ts, against openapi/datafold.json) before the services see them; handlers are keyed by
// the spec's operationIds.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DatadiffService } from '../../services/datafold/datadiffs.js';
import { DatafoldError, type ValidationItem } from '../../services/datafold/errors.js';
import type { Spec } from '../../spec/openapi.js';
import {
  bodyTooLarge,
  datafoldErrorReply,
  starletteMethodNotAllowed,
  starletteNotFound,
  type DatafoldReply,
} from './errors.js';
import { offsetPastNestingLimit } from '../json-nesting.js';
import { markOperation } from '../response-check.js';
import { jsonDecodeError, PydanticValidator } from './pydantic.js';

export interface DatafoldRoutesOptions {
  datadiffs: DatadiffService;
  spec: Spec;
  /** Accepted API keys; empty = no authentication. */
  keys: string[];
}

type Json = Record<string, unknown>;

/**
 * Python's default recursion limit. Where json.loads hits it also depends on the real server's stack
 * depth, which diffmock cannot know; bodies nested this deep are refused.
 */
const PYTHON_NESTING_LIMIT = 1000;
type Query = Record<string, string | string[] | undefined>;
interface Ctx {
  id: number;
  query: Query;
  body: unknown;
}

export function sendDatafold(reply: FastifyReply, r: DatafoldReply): FastifyReply {
  return reply.code(r.statusCode).type(r.contentType).send(r.body);
}

/** The Datafold paths, for telling a wrong method (405) from an unknown route (404). */
const KNOWN_PATHS = [
  /^\/api\/v1\/datadiffs\/?$/,
  /^\/api\/v1\/datadiffs\/[^/]+\/?$/,
  /^\/api\/v1\/datadiffs\/[^/]+\/(summary_results|summary|cancel)\/?$/,
];

export function datafoldNotFound(url: string): DatafoldReply {
  const path = url.split('?')[0]!;
  return KNOWN_PATHS.some((re) => re.test(path)) ? starletteMethodNotAllowed() : starletteNotFound();
}

export async function datafoldRoutes(
  app: FastifyInstance,
  { datadiffs, spec, keys }: DatafoldRoutesOptions,
): Promise<void> {
  const pydantic = new PydanticValidator(spec.document);
  const schemas = (spec.document.components as { schemas: Record<string, Json> }).schemas;
  const invalid = (items: ValidationItem[]) => new DatafoldError({ kind: 'validation', items });

  // FastAPI reads the body itself: keep it as text so a malformed one gets Python's json error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  if (keys.length > 0) {
    app.addHook('onRequest', async (req, reply) => {
      const header = req.headers.authorization ?? '';
      const key = header.startsWith('Key ') ? header.slice(4).trim() : null;
      if (key === null || !keys.includes(key))
        return sendDatafold(reply, datafoldErrorReply({ kind: 'unauthorized' }));
    });
  }

  /** A JSON body checked against a component schema; `optional` bodies may be empty. */
  const readBody = (raw: unknown, schema: string, optional: boolean): Json => {
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (optional) return {};
      throw invalid([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
    }
    // Python's json module raises a RecursionError deep in a nested body: FastAPI answers 400, unless
    // a syntax error comes first.
    const tooDeep = offsetPastNestingLimit(text, PYTHON_NESTING_LIMIT);
    const decodeError = jsonDecodeError(tooDeep < 0 ? text : text.slice(0, tooDeep));
    if (decodeError && (tooDeep < 0 || (decodeError.loc[1] as number) < tooDeep))
      throw invalid([decodeError]);
    if (tooDeep >= 0) throw new DatafoldError({ kind: 'body-unreadable' });
    const checked = pydantic.check(schemas[schema]!, JSON.parse(text), ['body']);
    if (checked.errors.length > 0) throw invalid(checked.errors);
    return checked.value as Json;
  };

  const handlers: Record<string, (ctx: Ctx) => unknown> = {
    create_datadiff: (ctx) => datadiffs.create(readBody(ctx.body, 'ApiDataDiffData', false)),
    get_datadiff: (ctx) => datadiffs.getText(ctx.id, ctx.query.poll !== undefined),
    list_datadiffs: (ctx) => datadiffs.listText(ctx.query),
    update_datadiff: (ctx) => datadiffs.update(ctx.id, readBody(ctx.body, 'ApiDataDiffPatch', true)),
    get_datadiff_summary_results: (ctx) => datadiffs.summaryResultsText(ctx.id),
    get_datadiff_summary: (ctx) => datadiffs.summaryText(ctx.id),
    cancel_datadiff: (ctx) => datadiffs.cancel(ctx.id),
  };

  for (const op of spec.operations.values()) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`no handler for operation ${op.operationId}`);
    const url = op.path.replace('{datadiff_id}', ':datadiff_id');
    app.route({
      method: op.method as 'GET',
      url,
      // Not an async function, for the reason given in oxen/routes.ts: an answer ready at once is
      // sent in the handler's own turn, and only a promised one (a long poll) is awaited.
      handler: (req: FastifyRequest, reply: FastifyReply) => {
        markOperation(req, spec, op.operationId);
        const params = req.params as { datadiff_id?: string };
        let id = 0;
        if (params.datadiff_id !== undefined) {
          // Path and query problems are reported together, before the body's (as FastAPI does).
          const checked = pydantic.check({ type: 'integer' }, params.datadiff_id, ['path', 'datadiff_id']);
          if (checked.errors.length > 0) throw invalid(checked.errors);
          id = checked.value as number;
        }
        const result = handler({ id, query: req.query as Query, body: req.body });
        if (result instanceof Promise)
          return result.then((value) => reply.type('application/json').send(value));
        reply.type('application/json').send(result);
        return undefined;
      },
    });
  }

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof DatafoldError) return sendDatafold(reply, datafoldErrorReply(error.detail));
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) return sendDatafold(reply, bodyTooLarge());
    req.log.error({ err: error }, 'unexpected error in the Datafold API');
    return sendDatafold(reply, {
      statusCode: 500,
      contentType: 'application/json',
      body: { detail: 'Internal Server Error' },
    });
  });
}
