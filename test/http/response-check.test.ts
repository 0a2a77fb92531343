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

  it('in warn mode, sends each answer as it is and logs each one outside the spec, once checked', async () => {
    // Answers no other test sent: verdicts are remembered across apps.
    const fresh = { good: '{"status":"error","status_message":"warned"}', bad: '{"status":43}' };
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } } });
    checkResponses(app, 'warn');
    app.get<{ Params: { which: 'good' | 'bad' } }>('/:which', (req, reply) => {
      markOperation(req, spec, 'entries');
      return reply.code(404).type('application/json').send(fresh[req.params.which]);
    });
    await app.ready();
    const answers = [];
    for (const which of ['bad', 'good', 'bad', 'bad', 'good'] as const) {
      const res = await app.inject({ method: 'GET', url: `/${which}` });
      answers.push([res.statusCode, res.body === fresh[which]]);
      // An answer not seen before is checked right after it leaves.
      await new Promise((next) => setImmediate(next));
    }
    await app.close();
    expect(answers).toEqual(Array(5).fill([404, true]));
    const warnings = lines.map((line) => JSON.parse(line) as { msg: string; violation: string });
    expect(warnings.map((w) => w.msg)).toEqual(Array(3).fill('response does not match the spec'));
    for (const w of warnings) expect(w.violation).toMatch(/^entries: the 404 body breaks the spec/);
  });
});

describe('the verdicts remembered', () => {
  const verdict = { on: 'entries 200', violation: null };

  it('are forgotten once they hold too many answers, or too many characters of them', () => {
    const verdicts = new Verdicts(3, 100);
    const kept = (texts: string[]) => texts.map((text) => verdicts.get(text) === verdict);
    for (const text of ['a', 'b', 'c']) verdicts.set(text, verdict);
    expect(kept(['a', 'b', 'c'])).toEqual([true, true, true]);
    // A fourth answer: the three are forgotten.
    verdicts.set('d', verdict);
    expect(kept(['a', 'd'])).toEqual([false, true]);
    // 1 + 60 characters fit in 100; 60 more do not.
    const [x, y] = ['x'.repeat(60), 'y'.repeat(60)];
    verdicts.set(x, verdict);
    expect(kept(['d', x])).toEqual([true, true]);
    verdicts.set(y, verdict);
    expect(kept(['d', x, y])).toEqual([false, false, true]);
    // An answer longer than the limit is not kept, and forgets nothing.
    verdicts.set('z'.repeat(101), verdict);
    expect(kept(['z'.repeat(101), y])).toEqual([false, true]);
  });
});
