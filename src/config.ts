// The only reader of process.env and argv. Every flag has an environment variable.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

export interface Config {
  port: number;
  host: string;
  /** Fixture folder; "" starts with no fixtures. */
  data: string;
  db: string;
  logLevel: string;
}

/** The bundled data/ folder, found from src/ (tests) or dist/src/ (the built server). */
export const BUNDLED_DATA = fileURLToPath(
  ['../data', '../../data']
    .map((dir) => new URL(dir, import.meta.url))
    .find((url) => existsSync(new URL('oxen', url + '/'))) ?? new URL('../../data', import.meta.url),
);

export class ConfigError extends Error {}

const FLAGS = {
  port: { env: 'PORT', help: 'port to listen on; 0 picks a free one', default: '3000' },
  host: { env: 'HOST', help: 'address to listen on', default: '127.0.0.1' },
  data: {
    env: 'DIFFMOCK_DATA',
    help: 'fixture folder (data/oxen/<ns>/<repo>/repo.json)',
    default: BUNDLED_DATA,
  },
  db: {
    env: 'DIFFMOCK_DB',
    help: 'SQLite file; :memory: reloads fixtures at every start',
    default: ':memory:',
  },
  'log-level': {
    env: 'LOG_LEVEL',
    help: 'fatal, error, warn, info, debug, trace or silent',
    default: 'warn',
  },
} as const;

export function usage(): string {
  const rows = Object.entries(FLAGS).map(
    ([flag, f]) => `  --${flag.padEnd(10)} ${f.env.padEnd(14)} ${f.help} (default ${f.default})`,
  );
  return [
    'Usage: diffmock [options]',
    '',
    '  flag         env var',
    ...rows,
    '  --help                      this text',
  ].join('\n');
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      db: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const get = (flag: keyof typeof FLAGS) => values[flag] ?? env[FLAGS[flag].env] ?? FLAGS[flag].default;
  const port = Number(get('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port: '${get('port')}' is not a port number`);
  return { port, host: get('host'), data: get('data'), db: get('db'), logLevel: get('log-level') };
}
