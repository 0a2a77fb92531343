import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const keptShapes = fileURLToPath(new URL('../../src/engine/kept-shapes.ts', import.meta.url));

/**
 * What V8 reports, in a Node process of its own, of a function over a typed array compiled hot and
 * then a buffer detached (moved to another thread), with or without the engine's kept-shapes module
 * loaded first.
 */
function deoptsAfterDetach(loadEngine: boolean): string {
  const script = `
    ${loadEngine ? `await import(${JSON.stringify(keptShapes)});` : ''}
    const bytes = new Uint8Array(1 << 16);
    function total(x) { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]; return s; }
    for (let i = 0; i < 500; i++) total(bytes);
    const moved = new ArrayBuffer(8);
    structuredClone(moved, { transfer: [moved] });
    console.log('detached', moved.byteLength);
  `;
  const out = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--trace-deopt', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toContain('detached 0');
  return out.stdout;
}

describe('the code the engine compiles over typed arrays', () => {
  it('is not thrown away when a buffer is first moved to another thread', () => {
    // Without the module, V8 throws the function's code away at the first detach; with it, it keeps it.
    expect(deoptsAfterDetach(false)).toMatch(/SharedFunctionInfo total>.*code dependencies/);
    expect(deoptsAfterDetach(true)).not.toMatch(/SharedFunctionInfo total>/);
  });
});
