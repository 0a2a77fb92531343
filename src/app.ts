// Builds the Fastify app from its dependencies. Never listens: see server.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Config } from './config.js';
import { adminRoutes } from './http/admin/routes.js';
import { docsRoutes } from './http/docs/routes.js';
import { datafoldStatusReply } from './http/datafold/errors.js';
import { datafoldNotFound, datafoldRoutes, sendDatafold } from './http/datafold/routes.js';
import { oxenStatusReply, routeNotFound } from './http/oxen/errors.js';
import { oxenRoutes, sendOxenError } from './http/oxen/routes.js';
import { answerCache } from './http/response-cache.js';
import { checkResponses } from './http/response-check.js';
import { createComputePool, type ComputeOptions } from './services/compute/pool.js';
import { DatadiffService } from './services/datafold/datadiffs.js';
import type { RecordShape } from './services/datafold/records.js';
import { DataSourceService } from './services/datafold/sources.js';
import { FaultRules, preferOf } from './services/faults.js';
import { RequestJournal } from './services/journal.js';
import { RepoService } from './services/oxen/repos.js';
import { CompareStore } from './storage/compare-store.js';
import { DatafoldStore } from './storage/datafold-store.js';
import type { Db } from './storage/db.js';
import { datafoldFileReader, readDatafoldFixtures, readOxenFixtures } from './storage/fixtures.js';
import { OxenStore } from './storage/oxen-store.js';
import { loadSpec, specFile, type Spec } from './spec/openapi.js';

type Settings = Pick<
  Config,
  | 'datafoldKeys'
  | 'oxenTokens'
  | 'cors'
  | 'latency'
  | 'validateResponses'
  | 'pollMs'
  | 'minPhaseMs'
  | 'jobTimeoutMs'
>;
/** What a caller of buildApp may leave out (the CLI's defaults). */
export const SETTING_DEFAULTS: Settings = {
  datafoldKeys: [],
  oxenTokens: [],
  cors: true,
  latency: { min: 0, max: 0 },
  validateResponses: 'warn',
  pollMs: 3000,
  minPhaseMs: 0,
  jobTimeoutMs: 60_000,
};

export interface AppDeps {
  config: Pick<Config, 'data' | 'logLevel'> & Partial<Settings & Pick<Config, 'logPretty'>>;
  db: Db;
  /** Worker threads for the heavy diffs; closed with the app. */
  compute?: ComputeOptions;
}

let oxenSpec: Spec | undefined;
let datafoldSpec: Spec | undefined;
let adminSpec: Spec | undefined;
/** The specs are compiled once per process. */
export function oxenSpecOnce(): Spec {
  return (oxenSpec ??= loadSpec(specFile('oxen.json'), 'oxen'));
}
export function datafoldSpecOnce(): Spec {
  return (datafoldSpec ??= loadSpec(specFile('datafold.json'), 'datafold'));
}
export function adminSpecOnce(): Spec {
  return (adminSpec ??= loadSpec(specFile('admin.json'), 'admin'));
}

/** The record fields, in order, with defaults: the seed's ApiDataDiffWithProgressState. */
function recordShape(spec: Spec): RecordShape {
  const schemas = (spec.document.components as { schemas: Record<string, { properties: object }> }).schemas;
  const properties = schemas.ApiDataDiffWithProgressState!.properties as Record<
    string,
    { default?: unknown }
  >;
  return { fields: Object.entries(properties).map(([name, p]) => ({ name, default: p.default ?? null })) };
}

export interface App {
  app: FastifyInstance;
  repos: RepoService;
  sources: DataSourceService;
  datadiffs: DatadiffService;
  journal: RequestJournal;
  /** Back to the fixtures: repositories, compares, data sources, diffs, and an empty journal. */
  reset(): Promise<void>;
  /** Reads the fixture files again and loads them (for --watch); journal and faults stay. */
  reloadFixtures(): Promise<void>;
  /**
   * Compiles the specs' validators (see Spec.warmUp), then readies the data diff lists
   * (DatadiffLists.warmUp) and the registering of a CSV table (DataSourceService.warmUp), in the
   * background; stops when the app closes.
   */
  warmUp(): Promise<void>;
}

/** A route or method that nothing serves, each prefix in its own vendor's way. A URL that does not
 * decode (a stray `%`) is answered the same: neither vendor routes it to a handler. */
function answerUnmatched(req: FastifyRequest, reply: FastifyReply) {
  if (req.url.startsWith('/_mock'))
    return reply.code(404).send({ error: `no admin route ${req.method} ${req.url}` });
  if (req.url.startsWith('/api/v1/')) return sendDatafold(reply, datafoldNotFound(req.url));
  // oxen-server's default service answers every unmatched route or method the same way.
  return sendOxenError(reply, routeNotFound());
}

/** Builds the app and loads the fixtures into an empty database. */
export async function buildApp({ config, db, compute }: AppDeps): Promise<App> {
  const settings = { ...SETTING_DEFAULTS, ...config };
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            ...(config.logPretty && {
              transport: {
                target: 'pino-pretty',
                options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
              },
            }),
          },
    // One line per request, written by the journal hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 4096 },
    frameworkErrors: (_error, req, reply) => answerUnmatched(req, reply),
  });
  const pool = createComputePool({
    onError: (error) => app.log.error({ err: error }, 'compute pool error (no request failed)'),
    ...compute,
  });

  const store = new OxenStore(db);
  const repos = new RepoService(store, () => (config.data ? readOxenFixtures(config.data) : []));
  await repos.loadIfEmpty();

  const dfSpec = datafoldSpecOnce();
  const shape = recordShape(dfSpec);
  const dfStore = new DatafoldStore(db);
  const checkRecord = (record: Record<string, unknown>) => {
    const validate = dfSpec.component('ApiDataDiffWithProgressState');
    if (validate(record)) return null;
    const e = validate.errors![0]!;
    return `${e.instancePath.slice(1).replace(/\//g, '.') || 'record'} ${e.message ?? 'is invalid'}`;
  };
  const sources = new DataSourceService(
    dfStore,
    shape,
    checkRecord,
    () => (config.data ? readDatafoldFixtures(config.data) : { sources: [], datadiffs: [] }),
    datafoldFileReader(config.data),
  );
  sources.loadIfEmpty();
  const datadiffs = new DatadiffService(dfStore, pool, shape, settings, config.data);
  datadiffs.resume();

  const journal = new RequestJournal();
  // A request's log line is not even made when the level leaves it out.
  const logsRequests = ['info', 'debug', 'trace'].includes(config.logLevel);
  app.addHook('onResponse', async (req, reply) => {
    const ms = Math.round(reply.elapsedTime * 1000) / 1000;
    if (logsRequests)
      req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms }, 'request');
    if (req.url.startsWith('/_mock')) return;
    journal.record({
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      duration_ms: ms,
      atMs: Date.now(),
    });
  });
  checkResponses(app, settings.validateResponses);
  if (settings.cors) await app.register(cors, { origin: '*' });
  // Faults: a rule of /_mock/faults, or the request's own `Prefer: code=…, delay=…` (Prism-style).
  const faults = new FaultRules();
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const path = req.url.split('?')[0]!;
    const prefer = req.headers.prefer;
    const action =
      preferOf(Array.isArray(prefer) ? prefer.join(',') : prefer) ?? faults.take(req.method, path);
    if (!action) return;
    if (action.delay_ms) await sleep(action.delay_ms);
    if (action.drop_connection) {
      req.raw.socket?.destroy();
      return reply.hijack();
    }
    if (action.status === undefined) return;
    if (path.startsWith('/api/v1/')) return sendDatafold(reply, datafoldStatusReply(action.status));
    return sendOxenError(reply, oxenStatusReply(action.status));
  });
  const { min, max } = settings.latency;
  if (max > 0)
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('/api/')) await sleep(min + Math.random() * (max - min));
    });
  await app.register(docsRoutes, {
    documents: [
      { name: 'oxen', title: 'Oxen compare API', document: oxenSpecOnce().document },
      { name: 'datafold', title: 'Datafold data diffs API', document: dfSpec.document },
      { name: 'admin', title: 'diffmock admin API', document: adminSpecOnce().document },
    ],
    services: { repos, sources, datadiffs },
  });

  // On close, Fastify waits for the requests in flight; their keep-alive connections must then end too,
  // or the close would wait out the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    datadiffs.stopAll();
    await pool.close();
  });
  const answers = answerCache(app);
  await app.register(oxenRoutes, {
    tokens: settings.oxenTokens,
    deps: { store, compares: new CompareStore(db), compute: pool },
    spec: oxenSpecOnce(),
    cache: answers,
  });
  await app.register(datafoldRoutes, { datadiffs, spec: dfSpec, keys: settings.datafoldKeys });
  const reset = async () => {
    answers.invalidate();
    await repos.reset();
    sources.reset();
    journal.clear();
    faults.clear();
  };
  await app.register(adminRoutes, { repos, sources, journal, faults, reset, spec: adminSpecOnce() });
  app.setNotFoundHandler(answerUnmatched);
  // Errors outside the API plugins: a body sent to a route nothing serves fails to parse before the
  // not-found handler runs; the vendor would not have read it, so it is answered as unmatched.
  app.setErrorHandler((error, req, reply) => {
    if (req.is404) return answerUnmatched(req, reply);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) req.log.error({ err: error }, 'unexpected error');
    return reply.code(status >= 400 && status < 500 ? status : 500).send({ error: (error as Error).message });
  });
  const reloadFixtures = async () => {
    await repos.reload();
    sources.reset();
    answers.invalidate();
  };
  const warmUp = async () => {
    for (const spec of [oxenSpecOnce(), dfSpec, adminSpecOnce()]) await spec.warmUp(() => closing);
    await datadiffs.warmUpLists(() => closing);
    await sources.warmUp(() => closing);
  };
  return { app, repos, sources, datadiffs, journal, reset, reloadFixtures, warmUp };
}
