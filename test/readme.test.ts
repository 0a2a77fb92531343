import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The README's per-audience examples are the files in examples/, run by the suite (the .test.ts ones
// by vitest's include, the shell one here).
const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w+\n([\s\S]*?)```/g)].map((m) => ({
  file: m[1]!,
  text: m[2]!,
}));

describe('the README examples', () => {
  it('are the example files, word for word', () => {
    expect(blocks.map((b) => b.file).sort()).toEqual([
      'examples/contract.test.ts',
      'examples/frontend-dev.sh',
      'examples/integration.test.ts',
    ]);
    for (const { file, text } of blocks) expect(text, file).toBe(readFileSync(new URL(file, root), 'utf8'));
  });

  it('frontend-dev.sh gets CORS headers and the configured latency from a started server', async () => {
    const { stdout } = await promisify(execFile)('bash', ['examples/frontend-dev.sh'], {
      cwd: root.pathname,
      timeout: 20_000,
    });
    expect(stdout).toContain('preflight 204');
    expect(stdout).toMatch(/^access-control-allow-origin: \*\r?$/im);
    const seconds = Number(/^list 200 in ([\d.]+)s$/m.exec(stdout)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0.1); // --latency 100-300 applied
    expect(stdout).toMatch(/landing page http:\/\/127\.0\.0\.1:\d+\//);
  });
});
