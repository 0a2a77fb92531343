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
  /** JSON log lines, or pino-pretty's coloured ones. */
  logPretty: boolean;
  /** Reload the fixtures when files under `data` change. */
  watch: boolean;
  /** Datafold API keys; when any is set, requests need `Authorization: Key <key>`. */
  datafoldKeys: string[];
  /** Oxen bearer tokens; when any is set, requests need `Authorization: Bearer <token>`. */
  oxenTokens: string[];
  /** Allow-all CORS on both APIs. */
  cors: boolean;
  /** A delay, in ms, drawn from [min, max] before every API response. */
  latency: { min: number; max: number };
  /** Check each API answer against the spec: off, warn (log) or strict (a 500 naming the violation). */
  validateResponses: 'off' | 'warn' | 'strict';
  /** How long GET /api/v1/datadiffs/{id}?poll waits for a job to end. */
  pollMs: number;
  /** The least time each phase of a Datafold job lasts (to watch it progress). */
  minPhaseMs: number;
  /** A Datafold job running longer fails with a TimeoutError. */
  jobTimeoutMs: number;
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
    help: 'fatal, error, warn, info (one line per request), debug, trace or silent',
    default: 'info',
  },
  'log-format': {
    env: 'DIFFMOCK_LOG_FORMAT',
    help: 'json, pretty, or auto: pretty when the output is a terminal',
    default: 'auto',
  },
  watch: {
    env: 'DIFFMOCK_WATCH',
    help: 'reload the fixtures when files under --data change: on or off',
    default: 'off',
  },
  'datafold-key': {
    env: 'DIFFMOCK_DATAFOLD_KEYS',
    help: 'Datafold API key to require (repeatable; env: comma-separated); none = no auth',
    default: '',
  },
  'oxen-token': {
    env: 'DIFFMOCK_OXEN_TOKENS',
    help: 'Oxen bearer token to require (repeatable; env: comma-separated); none = no auth',
    default: '',
  },
  cors: { env: 'DIFFMOCK_CORS', help: 'allow-all CORS on both APIs: on or off', default: 'on' },
  latency: { env: 'DIFFMOCK_LATENCY', help: 'delay every API response: MS or MIN-MAX', default: '0' },
  'validate-responses': {
    env: 'DIFFMOCK_VALIDATE_RESPONSES',
    help: 'check API answers against the spec: off, warn or strict',
    default: 'warn',
  },
  'poll-ms': { env: 'DIFFMOCK_POLL_MS', help: 'longest wait of a datadiff GET with ?poll', default: '3000' },
  'min-phase-ms': {
    env: 'DIFFMOCK_MIN_PHASE_MS',
    help: 'least time per datadiff job phase (waiting, processing)',
    default: '0',
  },
  'job-timeout-ms': {
    env: 'DIFFMOCK_JOB_TIMEOUT_MS',
    help: 'datadiff jobs running longer fail with TimeoutError',
    default: '60000',
  },
} as const;

/** Every environment variable the server reads (for the Docker files and their test). */
export function environmentVariables(): string[] {
  return Object.values(FLAGS).map((f) => f.env);
}

export function usage(): string {
  const rows = Object.entries(FLAGS).map(
    ([flag, f]) => `  --${flag.padEnd(15)} ${f.env.padEnd(24)} ${f.help} (default ${f.default || 'none'})`,
  );
  return [
    'Usage: diffmock [options]',
    '',
    '  flag              env var',
    ...rows,
    '  --help            this text',
  ].join('\n');
}

/** `terminal`: whether the output is a terminal (where `--log-format auto` logs pretty). */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, terminal = false): Config | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        db: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        watch: { type: 'string' },
        'datafold-key': { type: 'string', multiple: true },
        'oxen-token': { type: 'string', multiple: true },
        cors: { type: 'string' },
        latency: { type: 'string' },
        'validate-responses': { type: 'string' },
        'poll-ms': { type: 'string' },
        'min-phase-ms': { type: 'string' },
        'job-timeout-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    // An unknown flag, or a value that looks like a flag (`--poll-ms -1`).
    throw new ConfigError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  type Single = Exclude<keyof typeof FLAGS, 'datafold-key' | 'oxen-token'>;
  const get = (flag: Single) => values[flag] ?? env[FLAGS[flag].env] ?? FLAGS[flag].default;
  const port = Number(get('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port: '${get('port')}' is not a port number`);
  const ms = (flag: Single) => {
    const n = Number(get(flag));
    if (!Number.isInteger(n) || n < 0)
      throw new ConfigError(`--${flag}: '${get(flag)}' is not a number of milliseconds`);
    return n;
  };
  const list = (flag: 'datafold-key' | 'oxen-token') =>
    (values[flag] ?? (env[FLAGS[flag].env] ?? '').split(',')).map((k) => k.trim()).filter((k) => k !== '');
  const onOff = (flag: 'cors' | 'watch') => {
    const value = get(flag);
    if (value !== 'on' && value !== 'off') throw new ConfigError(`--${flag}: '${value}' is not on or off`);
    return value === 'on';
  };
  const logLevel = get('log-level');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    throw new ConfigError(`--log-level: '${logLevel}' is not a pino level or silent`);
  const logFormat = get('log-format');
  if (logFormat !== 'json' && logFormat !== 'pretty' && logFormat !== 'auto')
    throw new ConfigError(`--log-format: '${logFormat}' is not json, pretty or auto`);
  const validateResponses = get('validate-responses');
  if (validateResponses !== 'off' && validateResponses !== 'warn' && validateResponses !== 'strict')
    throw new ConfigError(`--validate-responses: '${validateResponses}' is not off, warn or strict`);
  const latency = /^(\d+)(?:-(\d+))?$/.exec(get('latency'));
  if (!latency || Number(latency[2] ?? latency[1]) < Number(latency[1]))
    throw new ConfigError(`--latency: '${get('latency')}' is not MS or MIN-MAX`);
  return {
    port,
    host: get('host'),
    data: get('data'),
    db: get('db'),
    logLevel,
    logPretty: logFormat === 'pretty' || (logFormat === 'auto' && terminal),
    watch: onOff('watch'),
    datafoldKeys: list('datafold-key'),
    oxenTokens: list('oxen-token'),
    cors: onOff('cors'),
    latency: { min: Number(latency[1]), max: Number(latency[2] ?? latency[1]) },
    validateResponses,
    pollMs: ms('poll-ms'),
    minPhaseMs: ms('min-phase-ms'),
    jobTimeoutMs: ms('job-timeout-ms'),
  };
}
