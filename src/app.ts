// Builds the Fastify app from its dependencies. Never listens: see server.ts.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { adminRoutes } from './http/admin/routes.js';
import { routeNotFound } from './http/oxen/errors.js';
import { oxenRoutes, sendOxenError } from './http/oxen/routes.js';
import { createComputePool, type ComputeOptions } from './services/compute/pool.js';
import { RepoService } from './services/oxen/repos.js';
import { CompareStore } from './storage/compare-store.js';
import type { Db } from './storage/db.js';
import { readOxenFixtures } from './storage/fixtures.js';
import { OxenStore } from './storage/oxen-store.js';
import { loadSpec, specFile, type Spec } from './spec/openapi.js';

export interface AppDeps {
  config: Pick<Config, 'data' | 'logLevel'>;
  db: Db;
  /** Compiled once per process when not given. */
  spec?: Spec;
  /** Worker threads for the heavy diffs; closed with the app. */
  compute?: ComputeOptions;
}

let oxenSpec: Spec | undefined;
export function oxenSpecOnce(): Spec {
  return (oxenSpec ??= loadSpec(specFile('oxen.json'), 'oxen'));
}

export interface App {
  app: FastifyInstance;
  repos: RepoService;
}

/** Builds the app and loads the fixtures into an empty database. */
export async function buildApp({ config, db, spec = oxenSpecOnce(), compute }: AppDeps): Promise<App> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 4096 },
  });
  const store = new OxenStore(db);
  const repos = new RepoService(store, () => (config.data ? readOxenFixtures(config.data) : []));
  await repos.loadIfEmpty();

  const pool = createComputePool(compute);
  app.addHook('onClose', () => pool.close());
  const deps = { store, compares: new CompareStore(db), compute: pool };
  await app.register(oxenRoutes, { deps, spec });
  await app.register(adminRoutes, { repos });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/_mock'))
      return reply.code(404).send({ error: `no admin route ${req.method} ${req.url}` });
    // oxen-server's default service answers every unmatched route or method the same way.
    return sendOxenError(reply, routeNotFound());
  });
  return { app, repos };
}
