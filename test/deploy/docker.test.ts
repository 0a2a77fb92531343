import { readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentVariables } from '../../src/config.js';

// No Docker engine runs here: the Dockerfile and compose file are checked by parsers, and against
// the CLI they start (its environment variables, port and health route).
const root = new URL('../../', import.meta.url);
const dockerfileText = readFileSync(new URL('Dockerfile', root), 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'));
const service = compose.services.diffmock;
const args = (keyword: string) =>
  dockerfile
    .getInstructions()
    .filter((i) => i.getKeyword() === keyword)
    .map((i) => i.getArgumentsContent() ?? '');

describe('the Dockerfile', () => {
  it('has no problems a Dockerfile linter reports', () => {
    const problems = validate(dockerfileText).filter((d) => d.severity === ValidationSeverity.ERROR);
    expect(problems).toEqual([]);
  });

  it('is multi-stage, runs as a non-root user, listens on all interfaces and checks its health', () => {
    expect(dockerfile.getFROMs().length).toBeGreaterThanOrEqual(2);
    expect(args('USER').at(-1)).toBe('node');
    const env = args('ENV').join(' ');
    expect(env).toContain('HOST=0.0.0.0');
    expect(env).toContain('PORT=3000');
    expect(args('EXPOSE')).toContain('3000');
    expect(args('HEALTHCHECK')[0]).toContain('/_mock/health');
    expect(args('CMD').at(-1)).toContain('dist/src/cli.js');
    for (const name of env.match(/\b[A-Z_]+(?==)/g) ?? [])
      if (name !== 'NODE_ENV') expect(environmentVariables()).toContain(name);
  });
});

describe('docker-compose.yml', () => {
  it('runs the image on port 3000 with ./data mounted where the server reads its fixtures', () => {
    expect(service.ports).toContain('3000:3000');
    for (const name of Object.keys(service.environment)) expect(environmentVariables()).toContain(name);
    const [host, inside] = String(service.volumes[0]).split(':');
    expect(host).toBe('./data');
    expect(inside).toBe(service.environment.DIFFMOCK_DATA);
    expect(service.environment.HOST).toBe('0.0.0.0');
  });

  it('checks health on /_mock/health', () => {
    expect(service.healthcheck.test.join(' ')).toContain('http://127.0.0.1:3000/_mock/health');
  });
});
