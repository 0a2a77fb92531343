import { describe, expect, it } from 'vitest';
import { adminSpecOnce, datafoldSpecOnce, oxenSpecOnce } from '../../src/app.js';

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
