import { Ajv2020, type AnySchema, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it, vi } from 'vitest';
import { adminSpecOnce, datafoldSpecOnce, oxenSpecOnce } from '../../src/app.js';
import { loadSpec, specFile } from '../../src/spec/openapi.js';

// Validators are compiled on first use (start-up time); this compiles every one, so that a schema
// that does not compile fails here rather than on some request.
describe.each([
  ['oxen', oxenSpecOnce],
  ['datafold', datafoldSpecOnce],
  ['admin', adminSpecOnce],
])('the %s document', (_name, specOnce) => {
  it('compiles the query, body and response validators of every operation', () => {
    const spec = specOnce();
    let compiled = 0;
    const paths = spec.document.paths as Record<string, Record<string, { responses?: object }>>;
    for (const op of spec.operations.values()) {
      void op.query;
      void op.body;
      const declared = Object.keys(paths[op.path]![op.method.toLowerCase()]!.responses ?? {});
      for (const status of declared) if (op.response(status)) compiled++;
    }
    expect(spec.operations.size).toBeGreaterThan(3);
    expect(compiled).toBeGreaterThanOrEqual(spec.operations.size);
  });
});

describe('warming up', () => {
  it('compiles every validator, a turn of the event loop per operation, and stops when told', async () => {
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    try {
      const spec = loadSpec(specFile('oxen.json'), 'oxen-warm-up');
      let turns = 0;
      await spec.warmUp(() => ++turns > 2);
      const afterTwo = compile.mock.calls.length;
      expect(afterTwo).toBeGreaterThan(0);
      await spec.warmUp();
      expect(compile.mock.calls.length).toBeGreaterThan(afterTwo);
      // Everything is compiled now: a request's validators are ready.
      compile.mockClear();
      for (const op of spec.operations.values()) {
        void op.query;
        void op.body;
        op.response('200');
        op.response('404');
      }
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });

  it("runs each success response's validator on a sample body, so that V8 has compiled it", async () => {
    const runs = new Map<ValidateFunction, number>();
    const bodies = new Map<ValidateFunction, unknown>();
    const original = Ajv2020.prototype.compile;
    const compile = vi.spyOn(Ajv2020.prototype, 'compile').mockImplementation(function (
      this: Ajv2020,
      schema: AnySchema,
    ) {
      const validate = original.call(this, schema);
      const counted = ((data: unknown) => {
        runs.set(counted, (runs.get(counted) ?? 0) + 1);
        bodies.set(counted, data);
        return validate(data);
      }) as ValidateFunction;
      return counted;
    });
    try {
      for (const file of ['oxen.json', 'datafold.json', 'admin.json']) {
        runs.clear();
        const spec = loadSpec(specFile(file), `${file}-exercised`);
        await spec.warmUp();
        // The success responses with a JSON body, wherever their declaration is ($ref or inline).
        const paths = spec.document.paths as Record<string, Record<string, { responses?: object }>>;
        const successes = [...spec.operations.values()].flatMap((op) =>
          Object.keys(paths[op.path]![op.method.toLowerCase()]!.responses ?? {})
            .filter((status) => status.startsWith('2'))
            .flatMap((status) => op.response(status) ?? []),
        );
        expect(successes.length).toBeGreaterThan(2);
        for (const validate of successes) expect(runs.get(validate) ?? 0, file).toBeGreaterThanOrEqual(20);
        // Error responses are compiled but not run.
        const errors = [...spec.operations.values()].flatMap((op) => op.response('404') ?? []);
        expect(errors.some((validate) => !runs.has(validate))).toBe(true);
        // A page's items are checked as many times over as a page of 15 would have them.
        if (file === 'datafold.json') {
          const page = bodies.get(spec.operations.get('list_datadiffs')!.response('200')!);
          expect((page as { results: unknown[] }).results).toHaveLength(15);
        }
      }
    } finally {
      compile.mockRestore();
    }
  });
});
