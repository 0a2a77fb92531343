// Assembles openapi/datafold.json from Datafold's two published pages (../shared/seeds 003 and 004)
// and openapi/src/datafold-extensions.yaml. The pages are Mintlify renders of a FastAPI document:
// each wraps its operation as {path, method, request, response} and its schemas' properties in
// single-element `allOf` lists. This turns them back into plain OpenAPI 3.1 without dropping anything:
// both pages' components are merged (a component defined differently twice is an error), the response
// objects become named schemas (their `refIdentifier`), and parameters keep type, default and enum.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

type Json = Record<string, unknown>;
interface MintlifyParam {
  schema: Array<Json & { type: string; required?: boolean; enum?: string[] }>;
}
interface MintlifyPage {
  paths: {
    path: string;
    method: string;
    request: {
      parameters: Record<'path' | 'query', Record<string, MintlifyParam>>;
    };
    response: Record<
      string,
      Record<
        string,
        { schemaArray: Json[]; description: string; examples?: Record<string, { value: unknown }> }
      >
    >;
  };
  components: { schemas: Record<string, Json> };
}

const seedDir = new URL('../../shared/seeds/', import.meta.url);
const PAGES: Array<[string, string]> = [
  ['003_ca7cf8e63400220f.txt', 'get_datadiff'],
  ['004_1e5e43b65c23453d.txt', 'list_datadiffs'],
];

function pageOf(name: string): MintlifyPage {
  const text = readFileSync(new URL(name, seedDir), 'utf8');
  const match = /````yaml[^\n]*\n([\s\S]*?)\n````/.exec(text);
  if (!match?.[1]) throw new Error(`no YAML block in ${name}`);
  return parse(match[1]) as MintlifyPage;
}

/** `{allOf: [x]}` around a property is Mintlify's wrapping, not a real composition. */
function unwrap(schema: Json): Json {
  const all = schema.allOf as Json[] | undefined;
  return all && all.length === 1 && Object.keys(schema).length === 1 ? all[0]! : schema;
}

/** Mintlify writes a fixed-size tuple as `items: [a, b]`; OpenAPI 3.1 says prefixItems. */
function fixTuples(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fixTuples);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === 'items' && Array.isArray(v)) {
      out.prefixItems = v.map(fixTuples);
      out.items = false;
    } else out[k] = fixTuples(v);
  }
  return out;
}

function schemaOfResponse(raw: Json): [string, Json] {
  const { refIdentifier, requiredProperties, properties, ...rest } = raw as Json & {
    refIdentifier: string;
    requiredProperties?: string[];
    properties: Record<string, Json>;
  };
  const name = refIdentifier.replace('#/components/schemas/', '');
  const props = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, unwrap(v)]));
  return [name, { ...rest, properties: props, ...(requiredProperties && { required: requiredProperties }) }];
}

function parameterOf(name: string, where: 'path' | 'query', p: MintlifyParam): Json {
  const { type, required, title, ...rest } = p.schema[0]!;
  const schema: Json = { title, ...rest };
  if (type === 'enum<string>') schema.type = 'string';
  else if (type !== 'any') schema.type = type;
  return { name, in: where, required: required ?? false, schema };
}

const schemas: Record<string, unknown> = {};
const paths: Record<string, Record<string, unknown>> = {};
const addSchema = (name: string, schema: unknown, where: string) => {
  if (schemas[name] !== undefined && !isDeepStrictEqual(schemas[name], schema))
    throw new Error(`${where}: schema ${name} is defined differently in two pages`);
  schemas[name] = schema;
};

for (const [file, operationId] of PAGES) {
  const page = pageOf(file);
  for (const [name, schema] of Object.entries(page.components.schemas))
    addSchema(name, fixTuples(schema), file);
  const { path, method, request, response } = page.paths;
  const parameters = (['path', 'query'] as const).flatMap((where) =>
    Object.entries(request.parameters[where] ?? {}).map(([name, p]) => parameterOf(name, where, p)),
  );
  const responses: Record<string, unknown> = {};
  for (const [code, byType] of Object.entries(response)) {
    const [mime, body] = Object.entries(byType)[0]!;
    const [name, schema] = schemaOfResponse(body.schemaArray[0]!);
    addSchema(name, fixTuples(schema), file);
    responses[code] = {
      description: body.description,
      content: { [mime]: { schema: { $ref: `#/components/schemas/${name}` } } },
    };
  }
  paths[path] = {
    ...(paths[path] ?? {}),
    [method]: { tags: ['Data diffs'], summary: undefined, operationId, parameters, responses },
  };
}

const ext = parse(readFileSync(new URL('../openapi/src/datafold-extensions.yaml', import.meta.url), 'utf8'), {
  merge: true,
}) as { info: Json; paths: Record<string, Record<string, Json>>; components: { schemas: Json } } & Json;
for (const [path, item] of Object.entries(ext.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (paths[path]?.[method] !== undefined) throw new Error(`extension redefines ${method} ${path}`);
    paths[path] = {
      ...(paths[path] ?? {}),
      [method]: { ...op, parameters: ((op.parameters ?? []) as unknown[]).flat() },
    };
  }
}
for (const [name, schema] of Object.entries(ext.components.schemas)) {
  if (schemas[name] !== undefined) throw new Error(`extension redefines seed schema ${name}`);
  schemas[name] = schema;
}
// Every seed operation also answers the undocumented 401 and 404 of the real service.
for (const item of Object.values(paths))
  for (const op of Object.values(item) as Json[]) {
    op.summary ??= op.operationId === 'get_datadiff' ? 'Get a data diff' : 'List data diffs';
    const responses = op.responses as Json;
    responses['401'] ??= { $ref: '#/components/responses/Unauthorized' };
    responses['404'] ??= { $ref: '#/components/responses/NotFound' };
  }

const doc = {
  openapi: '3.1.0',
  info: ext.info,
  servers: [{ url: 'https://app.datafold.com', description: 'Default server' }],
  security: [{ ApiKeyAuth: [] }],
  paths,
  components: {
    schemas,
    responses: (ext.components as Json).responses,
    securitySchemes: {
      ApiKeyAuth: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: "Use the 'Authorization' header with the format 'Key <api-key>'",
      },
    },
  },
};
writeFileSync(new URL('../openapi/datafold.json', import.meta.url), JSON.stringify(doc, null, 2) + '\n');
console.log(
  `openapi/datafold.json: ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas`,
);
