// Assembles openapi/oxen.json from the vendor's published pages (../shared/seeds) and our extensions.
// The seed pages are the contract: their paths and components are merged as they are (a component that
// two pages define differently is an error, never silently dropped); openapi/src/oxen-extensions.yaml
// adds the routes and schemas the pages lack. Run with `npm run openapi` after editing either.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

type Doc = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

const SEEDS = ['000_0b445b80f03dd977.txt', '001_f97061c5eef57523.txt'];
const seedDir = new URL('../../shared/seeds/', import.meta.url);

function yamlOfPage(file: URL): Doc {
  const text = readFileSync(file, 'utf8');
  const match = /````yaml[^\n]*\n([\s\S]*?)\n````/.exec(text);
  if (!match?.[1]) throw new Error(`no YAML block in ${file.pathname}`);
  return parse(match[1]) as Doc;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, where: string): void {
  for (const [name, value] of Object.entries(source)) {
    const existing = target[name];
    if (existing !== undefined && !isDeepStrictEqual(existing, value)) {
      throw new Error(`${where}.${name} is defined differently in two sources`);
    }
    target[name] = value;
  }
}

const pages = SEEDS.map((name) => new URL(name, seedDir)).filter((url) => existsSync(url));
if (pages.length !== SEEDS.length) throw new Error(`seed pages missing under ${seedDir.pathname}`);
const [first, ...rest] = pages.map(yamlOfPage);
if (!first) throw new Error('no seed pages');
const doc: Doc = structuredClone(first);
for (const page of rest) {
  mergeInto(doc.paths, page.paths, 'paths');
  mergeInto(doc.components.schemas, page.components.schemas, 'components.schemas');
}

const extText = readFileSync(new URL('../openapi/src/oxen-extensions.yaml', import.meta.url), 'utf8');
const ext = parse(extText, { merge: true }) as Doc;
for (const [path, item] of Object.entries(ext.paths)) {
  doc.paths[path] = { ...(doc.paths[path] ?? {}), ...item };
}
const additions = (ext['x-seed-additions'] ?? {}) as Record<
  string,
  { parameters?: Array<Array<{ name: string }>>; responses?: Record<string, unknown> }
>;
for (const [operationId, add] of Object.entries(additions)) {
  const op = Object.values(doc.paths)
    .flatMap((item) => Object.values(item) as Array<Record<string, unknown>>)
    .find((o) => o.operationId === operationId);
  if (!op) throw new Error(`x-seed-additions names unknown operation ${operationId}`);
  const parameters = (op.parameters ?? []) as Array<{ name: string }>;
  for (const p of (add.parameters ?? []).flat()) {
    if (parameters.some((q) => q.name === p.name)) throw new Error(`${operationId} already has ${p.name}`);
    parameters.push(p);
  }
  op.parameters = parameters;
  const responses = (op.responses ?? {}) as Record<string, unknown>;
  for (const [code, response] of Object.entries(add.responses ?? {})) {
    if (responses[code] !== undefined) throw new Error(`${operationId} already declares ${code}`);
    responses[code] = response;
  }
}
// YAML cannot splice a list into a list: the shared parameter lists arrive nested, so flatten them.
// Every 4xx/5xx the pages declare without a body gets the vendor's error body schema.
const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/OxenErrorResponse' } } };
for (const item of Object.values(doc.paths)) {
  for (const op of Object.values(item) as Array<Record<string, unknown>>) {
    if (Array.isArray(op.parameters)) op.parameters = op.parameters.flat();
    const responses = (op.responses ?? {}) as Record<string, Record<string, unknown>>;
    for (const [code, response] of Object.entries(responses)) {
      if (Number(code) >= 400 && response.content === undefined) response.content = errorContent;
    }
  }
}
// Extensions may add schemas and add properties/responses, never redefine a seed schema.
for (const [name, schema] of Object.entries(ext.components.schemas)) {
  if (doc.components.schemas[name] !== undefined) throw new Error(`extension redefines seed schema ${name}`);
  doc.components.schemas[name] = schema;
}
for (const [key, value] of Object.entries(ext)) {
  if (key !== 'paths' && key !== 'components' && !key.startsWith('x-') && !(key in doc)) doc[key] = value;
}
const info = doc.info as Record<string, unknown>;
info['x-diffmock'] =
  'Assembled from the oxen-server 0.50.0 pages (seeds 000, 001, 002) plus diffmock extensions.';

writeFileSync(new URL('../openapi/oxen.json', import.meta.url), JSON.stringify(doc, null, 2) + '\n');
console.log(
  `openapi/oxen.json: ${Object.keys(doc.paths).length} paths, ${Object.keys(doc.components.schemas).length} schemas`,
);
