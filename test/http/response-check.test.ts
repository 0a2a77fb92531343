import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkResponses, markOperation, Verdicts } from '../../src/http/response-check.js';
import { oxenSpecOnce } from '../../src/app.js';

// The response cache sends the same bytes again and again (a Buffer), other answers are strings:
// both are held to the spec, and a verdict remembered for one answer is never given to another.
describe('the response check', () => {
  const spec = oxenSpecOnce();
  const bodies = { good: '{"status":"error","status_message":"not_found"}', bad: '{"status":42}' };

  async function serve(kind: 'string' | 'buffer') {
    const app = Fastify({ logger: false });
    checkResponses(app, 'strict');
    const kept = { good: Buffer.from(bodies.good), bad: Buffer.from(bodies.bad) };
    app.get<{ Params: { which: 'good' | 'bad' } }>('/:which', (req, reply) => {
      markOperation(req, spec, 'entries');
      const body = kind === 'buffer' ? kept[req.params.which] : bodies[req.params.which];
      return reply.code(404).type('application/json').send(body);
    });
    await app.ready();
    const statuses = [];
    for (const which of ['good', 'bad', 'bad', 'good', 'good'])
      statuses.push((await app.inject({ method: 'GET', url: `/${which}` })).statusCode);
    await app.close();
    return statuses;
  }

  it.each(['string', 'buffer'] as const)('checks answers sent as a %s, every time', async (kind) => {
    expect(await serve(kind)).toEqual([404, 500, 500, 404, 404]);
  });
});

describe('the verdicts remembered', () => {
  const verdict = { on: 'entries 200', violation: null };

  it('are forgotten once they hold too many answers, or too many characters of them', () => {
    const verdicts = new Verdicts(3, 100);
    for (const text of ['a', 'b', 'c']) verdicts.set(text, verdict);
    expect(verdicts.size).toEqual({ answers: 3, chars: 3 });
    verdicts.set('d', verdict);
    expect(verdicts.size).toEqual({ answers: 1, chars: 1 });
    expect(verdicts.get('a')).toBeUndefined();
    expect(verdicts.get('d')).toBe(verdict);
    verdicts.set('x'.repeat(60), verdict);
    expect(verdicts.size).toEqual({ answers: 2, chars: 61 });
    verdicts.set('y'.repeat(60), verdict);
    expect(verdicts.size).toEqual({ answers: 1, chars: 60 });
    // An answer longer than the limit is not kept at all.
    verdicts.set('z'.repeat(101), verdict);
    expect(verdicts.size).toEqual({ answers: 0, chars: 0 });
  });
});
