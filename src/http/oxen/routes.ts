// The Oxen compare API. Both spellings are served: the real actix routes (compare/entries/…,
// compare/file/…) and the documented ones (compare/{base_head}/entries, …/file/{resource}); see
// reference §1.2. Handlers are keyed by the spec's operationIds.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { USIZE_MAX } from '../../engine/paginate.js';
import { listCommits, dirTree, listEntries } from '../../services/oxen/compare-entries.js';
import {
  computeCompare,
  deleteCompare,
  derivedFrame,
  type CompareDeps,
} from '../../services/oxen/data-frames.js';
import { OxenError, oxenError } from '../../services/oxen/errors.js';
import { fileDiff } from '../../services/oxen/file-diff.js';
import { OXEN_VERSION } from '../../services/oxen/views.js';
import type { RepoRow } from '../../storage/oxen-store.js';
import type { Spec } from '../../spec/openapi.js';
import type { ResponseCache } from '../response-cache.js';
import { markOperation } from '../response-check.js';
import { oxenErrorReply, routeNotFound, type ErrorReply } from './errors.js';
import { readDfQuery, readPageQuery } from './query.js';
import { parseCompareBody } from './serde-body.js';

export interface OxenRoutesOptions {
  deps: CompareDeps;
  spec: Spec;
  /** GET answers kept until the state changes (see response-cache.ts). */
  cache: ResponseCache;
  /** Accepted bearer tokens; empty = no authentication (oxen-server's default). */
  tokens?: string[];
}

type Params = Record<string, string>;
type Query = Record<string, string | string[] | undefined>;
interface Ctx {
  repo: RepoRow;
  params: Params;
  query: Query;
  body: unknown;
}
type Handler = (ctx: Ctx) => unknown; // a value or a promise of one

export function sendOxenError(reply: FastifyReply, error: ErrorReply): FastifyReply {
  reply.header('oxen-version', OXEN_VERSION).code(error.statusCode);
  return error.text ? reply.type('text/plain; charset=utf-8').send(error.body) : reply.send(error.body);
}

/** 0.50.0 reports total_pages = usize::MAX for page_size=0, a number JSON.stringify cannot write. */
function serialize(payload: unknown): string {
  const text = JSON.stringify(payload);
  return text.replace(`"total_pages":"${USIZE_MAX}"`, `"total_pages":${USIZE_MAX}`);
}

export async function oxenRoutes(
  app: FastifyInstance,
  { deps, spec, cache, tokens = [] }: OxenRoutesOptions,
): Promise<void> {
  const { store } = deps;
  if (tokens.length > 0) {
    // actix-web-httpauth's bearer guard: 401, an empty body and a WWW-Authenticate challenge.
    app.addHook('onRequest', async (req, reply) => {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : null;
      if (token !== null && tokens.includes(token)) return;
      const challenge = token === null ? 'Bearer' : 'Bearer error="invalid_token"';
      return reply
        .code(401)
        .header('www-authenticate', challenge)
        .header('oxen-version', OXEN_VERSION)
        .send();
    });
  }
  // oxen-server reads compare bodies as text and parses them itself, whatever the content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const compareBody = (ctx: Ctx, operationId: string) => {
    const body = parseCompareBody(typeof ctx.body === 'string' ? ctx.body : '');
    const validate = spec.operations.get(operationId)!.body!;
    if (!validate(body))
      throw oxenError({
        kind: 'body-parse',
        message: `invalid body: ${validate.errors?.[0]?.message ?? ''}`,
      });
    return body;
  };
  const entries = (baseHead: string, dir: string, ctx: Ctx) =>
    listEntries(store, ctx.repo, baseHead, dir, readPageQuery(ctx.query));
  const file = (tail: string, ctx: Ctx) => fileDiff(deps, ctx.repo, tail, readPageQuery(ctx.query));
  const derived = (ctx: Ctx) =>
    derivedFrame(deps, ctx.repo, ctx.params.compare_id!, readPageQuery(ctx.query), readDfQuery(ctx.query));

  const handlers: Record<string, Handler> = {
    entries_real: (ctx) => {
      // The real route splits at the *last* "/dir/" (a greedy regex).
      const tail = ctx.params['*']!;
      const at = tail.lastIndexOf('/dir/');
      return at < 0 ? entries(tail, '', ctx) : entries(tail.slice(0, at), tail.slice(at + 5), ctx);
    },
    entries: (ctx) => entries(ctx.params.base_head!, '', ctx),
    dir_entries: (ctx) => entries(ctx.params.base_head!, ctx.params.dir!, ctx),
    file_real: (ctx) => file(ctx.params['*']!, ctx),
    file: (ctx) => file(`${ctx.params.base_head}/${ctx.params.resource}`, ctx),
    commits: (ctx) => listCommits(store, ctx.repo, ctx.params['*']!, readPageQuery(ctx.query)),
    dir_tree: (ctx) => dirTree(store, ctx.repo, ctx.params['*']!),
    create_df_diff: (ctx) => {
      const body = compareBody(ctx, 'create_df_diff');
      return computeCompare(deps, ctx.repo, body, body.compare_id, 'create');
    },
    update_df_diff: (ctx) =>
      computeCompare(deps, ctx.repo, compareBody(ctx, 'update_df_diff'), ctx.params.compare_id!, 'update'),
    // 0.50.0's handler reads a path parameter its route lacks: always 400 after the repository check.
    get_df_diff: () => {
      throw oxenError({ kind: 'bad-request' });
    },
    delete_df_diff: (ctx) => deleteCompare(deps, ctx.repo, ctx.params.compare_id!),
    get_derived_df: derived,
    get_derived_df_real: derived,
  };
  for (const operationId of Object.keys(handlers)) {
    if (!spec.operations.has(operationId)) throw new Error(`handler for unknown operation ${operationId}`);
  }

  const compute = async (operationId: string, params: Params, req: FastifyRequest, reply: FastifyReply) => {
    const cacheable = req.method === 'GET';
    const generation = cache.current;
    const repo = store.findRepo(params.namespace!, params.repo_name!);
    if (!repo)
      throw oxenError({ kind: 'repo-not-found', namespace: params.namespace!, name: params.repo_name! });
    const result = await handlers[operationId]!({
      repo,
      params,
      query: req.query as Query,
      body: req.body,
    });
    const payload = typeof result === 'string' ? result : serialize(result);
    if (cacheable) cache.set(req.url, generation, payload);
    return reply.type('application/json; charset=utf-8').send(payload);
  };
  // Not an async function: a cached answer is sent in the handler's own turn and nothing is returned.
  // A reply returned from an async handler is awaited by Fastify, which, while the onSend hooks
  // run, means listening for the end of the response stream: about 3% of a cached answer's time.
  const run =
    (operationId: string, params?: (p: Params) => Params) =>
    (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> | undefined => {
      markOperation(req, spec, operationId);
      reply.header('oxen-version', OXEN_VERSION);
      const cached = req.method === 'GET' ? cache.get(req.url) : undefined;
      if (cached === undefined) {
        const raw = req.params as Params;
        return compute(operationId, params ? params(raw) : raw, req, reply);
      }
      reply.type('application/json; charset=utf-8').send(cached);
      return undefined;
    };

  // The documented spellings share one wildcard: {base_head} may itself contain '/'.
  const documented = (req: FastifyRequest, reply: FastifyReply) => {
    const tail = (req.params as Params)['*']!;
    const fileAt = tail.indexOf('/file/');
    if (tail.endsWith('/entries')) {
      const inner = tail.slice(0, -'/entries'.length);
      const dirAt = inner.indexOf('/dir/');
      if (dirAt < 0) return run('entries', (p) => ({ ...p, base_head: inner }))(req, reply);
      return run('dir_entries', (p) => ({
        ...p,
        base_head: inner.slice(0, dirAt),
        dir: inner.slice(dirAt + 5),
      }))(req, reply);
    }
    if (fileAt >= 0) {
      return run('file', (p) => ({
        ...p,
        base_head: tail.slice(0, fileAt),
        resource: tail.slice(fileAt + 6),
      }))(req, reply);
    }
    return sendOxenError(reply, routeNotFound());
  };

  const base = '/api/repos/:namespace/:repo_name/compare';
  app.get(`${base}/entries/*`, run('entries_real'));
  app.get(`${base}/file/*`, run('file_real'));
  app.get(`${base}/commits/*`, run('commits'));
  app.get(`${base}/dir_tree/*`, run('dir_tree'));
  app.post(`${base}/data_frames`, run('create_df_diff'));
  app.post(`${base}/data_frames/:compare_id`, run('get_df_diff'));
  app.put(`${base}/data_frames/:compare_id`, run('update_df_diff'));
  app.delete(`${base}/data_frames/:compare_id`, run('delete_df_diff'));
  app.get(`${base}/data_frames/:compare_id/diff`, run('get_derived_df'));
  app.get(`${base}/data_frames/:compare_id/:path/*`, run('get_derived_df_real'));
  app.get(`${base}/*`, documented);

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof OxenError) return sendOxenError(reply, oxenErrorReply(error.detail));
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // actix-web's own message for a body over the limit, in StatusMessage::error's shape.
      const message = status === 413 ? 'A payload reached size limit.' : 'bad_request';
      return sendOxenError(reply, {
        statusCode: status,
        body: { status: 'error', status_message: message, oxen_version: OXEN_VERSION },
      });
    }
    req.log.error({ err: error }, 'unexpected error in the Oxen API');
    return sendOxenError(reply, {
      statusCode: 500,
      body: { status: 'error', status_message: 'internal_server_error', oxen_version: OXEN_VERSION },
    });
  });
}
