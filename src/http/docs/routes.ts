// For people and tools: the three contracts as JSON, a Swagger UI at /docs that lists them and calls
// this server, and the landing page at `/`.
import swagger, { type StaticDocumentSpec } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { landingData, landingPage } from './landing.js';
import type { DatadiffService } from '../../services/datafold/datadiffs.js';
import type { DataSourceService } from '../../services/datafold/sources.js';
import type { RepoService } from '../../services/oxen/repos.js';

type Document = Record<string, unknown>;

export interface DocsRoutesOptions {
  /** By file name (`oxen` is served as /openapi/oxen.json), in the order the docs UI lists them. */
  documents: Array<{ name: string; title: string; document: Document }>;
  /** What the landing page lists. */
  services: { repos: RepoService; sources: DataSourceService; datadiffs: DatadiffService };
}

/** The UI's copy: "Try it out" calls `origin` (this server) first; the vendor's servers stay listed
 * after it. An absolute origin, because Swagger UI joins a server `/` and a path into `//path`. */
function forDocsUi(document: Document, origin: string): Document {
  const servers = (document.servers as unknown[] | undefined) ?? [];
  return { ...document, servers: [{ url: origin, description: 'this diffmock server' }, ...servers] };
}

export async function docsRoutes(
  app: FastifyInstance,
  { documents, services }: DocsRoutesOptions,
): Promise<void> {
  for (const { name, document } of documents) {
    // As built from the vendors' pages, unchanged: what contract tests read.
    app.get(`/openapi/${name}.json`, async () => document);
    app.get(`/docs/openapi/${name}.json`, async (req) =>
      forDocsUi(document, `${req.protocol}://${req.host}`),
    );
  }
  // @fastify/swagger-ui needs @fastify/swagger's decorator; in static mode it only holds the first
  // document (the UI fetches all three, with this server's origin, through `urls`).
  await app.register(swagger, {
    mode: 'static',
    // The OpenAPI 3.1 documents are plain JSON here; the plugin's types know 2.0 and 3.0 only.
    specification: {
      document: documents[0]!.document as unknown as StaticDocumentSpec['document'],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      urls: documents.map(({ name, title }) => ({ url: `/docs/openapi/${name}.json`, name: title })),
      tryItOutEnabled: true,
    },
  });
  app.get('/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(landingPage(landingData(services.repos, services.sources, services.datadiffs))),
  );
}
