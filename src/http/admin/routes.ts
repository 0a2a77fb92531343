// The mock's own controls under the reserved /_mock prefix. Errors here are plain {"error": "..."}.
import type { FastifyInstance } from 'fastify';
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
}

export async function adminRoutes(
  app: FastifyInstance,
  { repos, sources, journal, faults, reset }: AdminRoutesOptions,
): Promise<void> {
  app.get('/_mock/health', async () => ({ status: 'ok' }));

  app.post('/_mock/reset', async () => {
    await reset();
    return { status: 'ok' };
  });

  // The request journal: API requests answered, oldest first; ?method= and ?path= (a glob) filter it.
  app.get('/_mock/requests', async (req) => {
    const { method, path } = req.query as { method?: string; path?: string };
    return { requests: journal.list({ method, path }) };
  });
  app.delete('/_mock/requests', async (_req, reply) => {
    journal.clear();
    return reply.code(204).send();
  });

  // Faults for later API requests: {match: {method?, path (glob)}, status | delay_ms | drop_connection, times?}.
  app.post('/_mock/faults', async (req, reply) => reply.code(201).send(faults.add(req.body)));
  app.get('/_mock/faults', async () => ({ faults: faults.list() }));
  app.delete('/_mock/faults', async (_req, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  // Datafold: a data source document (201; replaces the same id) and historical records (201).
  app.post('/_mock/datafold/data_sources', async (req, reply) =>
    reply.code(201).send(sources.register(req.body)),
  );
  app.get('/_mock/datafold/data_sources', async () => sources.list());
  app.post('/_mock/datafold/datadiffs', async (req, reply) =>
    reply.code(201).send({ ids: sources.seed(req.body) }),
  );

  app.post('/_mock/oxen/repos', async (req, reply) => reply.code(201).send(await repos.createRepo(req.body)));

  app.delete('/_mock/oxen/repos/:namespace/:name', async (req, reply) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    if (!repos.deleteRepo(namespace, name))
      return reply.code(404).send({ error: `repository '${namespace}/${name}' not found` });
    return reply.code(204).send();
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof DocumentError) return reply.code(400).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send({ error: (error as Error).message });
    req.log.error({ err: error }, 'unexpected error in the admin API');
    return reply.code(500).send({ error: 'internal error' });
  });
}
