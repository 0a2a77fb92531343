// `--validate-responses`: every JSON answer of an API operation is checked against the spec schema of
// that operation and status before it leaves. `warn` logs a violation; `strict` replaces the answer
// with a 500 that names it (contract testing: the mock itself is held to the spec).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Spec } from '../spec/openapi.js';

export type ValidationMode = 'off' | 'warn' | 'strict';

const operations = new WeakMap<object, { spec: Spec; operationId: string }>();

/** Called by a handler first thing, so that even its error answers are checked. */
export function markOperation(req: FastifyRequest, spec: Spec, operationId: string): void {
  operations.set(req.raw, { spec, operationId });
}

/**
 * The verdicts on recent answers, by the answer's text: a cached answer (response-cache.ts) is the
 * same string every time, so it is parsed and validated once.
 */
const verdicts = new Map<string, { on: string; violation: string | null }>();
const MAX_VERDICTS = 256;
/** Longer answers (the response cache keeps none either) are not remembered: they would pin memory. */
const MAX_REMEMBERED_LENGTH = 1 << 20;

function violationOf(req: FastifyRequest, reply: FastifyReply, payload: unknown): string | null {
  const mark = operations.get(req.raw);
  if (!mark || typeof payload !== 'string') return null;
  if (!/json/.test(String(reply.getHeader('content-type') ?? ''))) return null;
  const on = `${mark.operationId} ${reply.statusCode}`;
  if (payload.length > MAX_REMEMBERED_LENGTH) return judge(mark, reply.statusCode, payload);
  const known = verdicts.get(payload);
  if (known?.on === on) return known.violation;
  const violation = judge(mark, reply.statusCode, payload);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(payload, { on, violation });
  return violation;
}

function judge({ spec, operationId }: { spec: Spec; operationId: string }, status: number, payload: string) {
  const validate = spec.operations.get(operationId)?.response(String(status));
  if (!validate) return `${operationId}: status ${status} has no JSON response in the spec`;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return `${operationId}: the ${status} body is not JSON`;
  }
  if (validate(body)) return null;
  const problems = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return `${operationId}: the ${status} body breaks the spec: ${problems.join('; ')}`;
}

export function checkResponses(app: FastifyInstance, mode: ValidationMode): void {
  if (mode === 'off') return;
  app.addHook('onSend', async (req, reply, payload) => {
    const violation = violationOf(req, reply, payload);
    if (!violation) return payload;
    req.log.warn({ violation }, 'response does not match the spec');
    if (mode === 'warn') return payload;
    reply.code(500).type('application/json');
    return JSON.stringify({ error: 'diffmock answered outside its spec', violation });
  });
}
