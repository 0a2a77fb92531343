// The mock's own controls under the reserved /_mock prefix, as openapi/admin.json documents them.
// Errors here are plain {"error": "..."}.
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { Spec } from '../../spec/openapi.js';
import { markOperation } from '../response-check.js';
import { DocumentError } from '../../services/document-error.js';
import type { DataSourceService } from '../../services/datafold/sources.js';
import type { FaultRules } from '../../services/faults.js';
import type { RequestJournal } from '../../services/journal.js';
import type { RepoService } from '../../services/oxen/repos.js';

export interface AdminRoutesOptions {
  repos: RepoService;
  sources: DataSourceService;
  journal: RequestJournal;
  faults: FaultRules;
  reset(): Promise<void>;
  spec: Spec;
}

export async function adminRoutes(
  app: FastifyInstance,
  { repos, sources, journal, faults, reset, spec }: AdminRoutesOptions,
): Promise<void> {
  // Each route names its operation, so that --validate-responses checks its answers too.
  const served = new Set<string>();
  const op = (operationId: string): RouteShorthandOptions => {
    if (!spec.operations.has(operationId)) throw new Error(`handler for unknown operation ${operationId}`);
    served.add(operationId);
    return { onRequest: async (req) => markOperation(req, spec, operationId) };
  };

  app.get('/_mock/health', op('adminHealth'), async () => ({ status: 'ok' }));

  app.post('/_mock/reset', op('adminReset'), async () => {
    await reset();
    return { status: 'ok' };
  });

  // The request journal: API requests answered, oldest first; ?method= and ?path= (a glob) filter it.
  app.get('/_mock/requests', op('adminListRequests'), async (req) => {
    const { method, path } = req.query as { method?: string; path?: string };
    return { requests: journal.list({ method, path }) };
  });
  app.delete('/_mock/requests', op('adminClearRequests'), async (_req, reply) => {
    journal.clear();
    return reply.code(204).send();
  });

  // Faults for later API requests: {match: {method?, path (glob)}, status | delay_ms | drop_connection, times?}.
  app.post('/_mock/faults', op('adminAddFault'), async (req, reply) =>
    reply.code(201).send(faults.add(req.body)),
  );
  app.get('/_mock/faults', op('adminListFaults'), async () => ({ faults: faults.list() }));
  app.delete('/_mock/faults', op('adminClearFaults'), async (_req, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  // Datafold: a data source document (201; replaces the same id) and historical records (201).
  app.post('/_mock/datafold/data_sources', op('adminRegisterDataSource'), async (req, reply) =>
    reply.code(201).send(await sources.registerInTurns(req.body)),
  );
  app.get('/_mock/datafold/data_sources', op('adminListDataSources'), async () => sources.list());
  app.post('/_mock/datafold/datadiffs', op('adminSeedDatadiffs'), async (req, reply) =>
    reply.code(201).send({ ids: sources.seed(req.body) }),
  );

  app.post('/_mock/oxen/repos', op('adminCreateRepo'), async (req, reply) =>
    reply.code(201).send(await repos.createRepo(req.body)),
  );

  app.delete('/_mock/oxen/repos/:namespace/:name', op('adminDeleteRepo'), async (req, reply) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    if (!repos.deleteRepo(namespace, name))
      return reply.code(404).send({ error: `repository '${namespace}/${name}' not found` });
    return reply.code(204).send();
  });

  const unserved = [...spec.operations.keys()].filter((id) => !served.has(id));
  if (unserved.length) throw new Error(`admin operations without a route: ${unserved.join(', ')}`);

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof DocumentError) return reply.code(400).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send({ error: (error as Error).message });
    req.log.error({ err: error }, 'unexpected error in the admin API');
    return reply.code(500).send({ error: 'internal error' });
  });
}
