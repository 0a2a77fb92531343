// `--validate-responses`: every JSON answer of an API operation is checked against the spec schema of
// that operation and status. `warn` logs a violation, checking an answer right after it leaves;
// `strict` checks it before, and replaces it with a 500 that names the violation (contract testing:
// the mock itself is held to the spec).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Spec } from '../spec/openapi.js';

export type ValidationMode = 'off' | 'warn' | 'strict';

/** The operation a request was routed to, kept on the raw request (a WeakMap costs the GC per request). */
const OPERATION = Symbol('diffmock operation');
type Mark = { spec: Spec; operationId: string };
type Marked = FastifyRequest['raw'] & { [OPERATION]?: Mark };

/** Called by a handler first thing, so that even its error answers are checked. */
export function markOperation(req: FastifyRequest, spec: Spec, operationId: string): void {
  (req.raw as Marked)[OPERATION] = { spec, operationId };
}

/**
 * The verdicts on recent answers, by the answer's text: an answer computed again is often the same
 * text, so it is parsed and validated once. They are all forgotten once 256 answers, or 8 Mi
 * characters of them, are remembered (a page of 100 data diffs is about 180,000).
 */
export class Verdicts {
  private readonly byText = new Map<string, Verdict>();
  private chars = 0;

  constructor(
    private readonly maxAnswers = 256,
    private readonly maxChars = 1 << 23,
  ) {}

  get(text: string): Verdict | undefined {
    return this.byText.get(text);
  }

  set(text: string, verdict: Verdict): void {
    if (text.length > this.maxChars) return;
    if (this.byText.size >= this.maxAnswers || this.chars + text.length > this.maxChars) {
      this.byText.clear();
      this.chars = 0;
    }
    this.byText.set(text, verdict);
    this.chars += text.length;
  }
}
const verdicts = new Verdicts();
/** Longer answers (the response cache keeps none either) are not remembered: they would pin memory. */
const MAX_REMEMBERED_LENGTH = 1 << 20;
/** The verdicts on cached answers (response-cache.ts), which are sent as the very same bytes each time. */
const cachedVerdicts = new WeakMap<Buffer, Verdict>();

export interface Verdict {
  /** The operation and status it was given for. */
  on: string;
  violation: string | null;
}

/** The verdict remembered for the very same answer to `on` (an operation and status), if any. */
function rememberedVerdict(payload: string | Buffer, on: string): Verdict | undefined {
  const known =
    typeof payload !== 'string'
      ? cachedVerdicts.get(payload)
      : payload.length <= MAX_REMEMBERED_LENGTH
        ? verdicts.get(payload)
        : undefined;
  return known?.on === on ? known : undefined;
}

/** Checks an answer against the spec, and remembers the verdict (but on the longest answers). */
function judged(mark: Mark, status: number, on: string, payload: string | Buffer): string | null {
  const violation = judge(mark, status, payload.toString());
  if (typeof payload !== 'string') cachedVerdicts.set(payload, { on, violation });
  else if (payload.length <= MAX_REMEMBERED_LENGTH) verdicts.set(payload, { on, violation });
  return violation;
}

function judge({ spec, operationId }: Mark, status: number, payload: string) {
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
  const warn = (req: FastifyRequest, violation: string | null) => {
    if (violation) req.log.warn({ violation }, 'response does not match the spec');
  };
  app.addHook('onSend', async (req, reply, payload) => {
    const mark = (req.raw as Marked)[OPERATION];
    if (!mark || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    if (!/json/.test(String(reply.getHeader('content-type') ?? ''))) return payload;
    const status = reply.statusCode;
    const on = `${mark.operationId} ${status}`;
    const known = rememberedVerdict(payload, on);
    if (mode === 'warn') {
      // A violation is only logged: an answer not seen before leaves first and is checked right
      // after, so that the check (2-4 ms for a new page of 100 data diffs, by hand) holds up no answer.
      if (known) warn(req, known.violation);
      else
        setImmediate(() => {
          // The same answer sent again meanwhile was judged once.
          const since = rememberedVerdict(payload, on);
          warn(req, since ? since.violation : judged(mark, status, on, payload));
        });
      return payload;
    }
    const violation = known ? known.violation : judged(mark, status, on, payload);
    if (!violation) return payload;
    warn(req, violation);
    reply.code(500).type('application/json');
    return JSON.stringify({ error: 'diffmock answered outside its spec', violation });
  });
}
