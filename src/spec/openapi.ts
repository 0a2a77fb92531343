// Loads an OpenAPI 3.1 document and its validators, keyed by operationId: one for the query, one for
// the JSON body, one per response status code. Each is compiled on first use (compiling all of them
// up front took half a second of every start), or by `warmUp` once the server listens: a first
// request would otherwise wait for its operation's compile, which can take tens of milliseconds.
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { flattenNullables } from './nullables.js';

type Json = Record<string, unknown>;

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  readonly query: ValidateFunction | undefined;
  readonly body: ValidateFunction | undefined;
  /** The validator of a response status's JSON body; undefined when the status declares none. */
  response(status: string): ValidateFunction | undefined;
}

export interface Spec {
  document: Json;
  operations: Map<string, Operation>;
  /** A validator for a schema of components/schemas, compiled on first use. */
  component(name: string): ValidateFunction;
  /**
   * Compiles every operation's validators, and runs those of its success responses on sample
   * bodies (see WARM_RUNS), one operation per turn of the event loop, so that a request meanwhile
   * waits for one operation's at most. Stops early when `stopped()` says so.
   */
  warmUp(stopped?: () => boolean): Promise<void>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * How many times `warmUp` runs each success response's validator on a sample body made from its
 * schema. V8 compiles a function on its first call and optimizes it after more: run cold, the check
 * of a first page of 100 data diffs took about 9 ms, and 2 ms after this warm-up (a CPU profile of
 * the bench's first list, before the nullable fields were flattened: nullables.ts). More runs gained
 * nothing there, nor since (200 runs, timed by hand); these cost about 60 ms in all.
 */
const WARM_RUNS = 20;

/**
 * How many items a sample's top-level arrays are given (openapi-sampler makes one): a page answer
 * holds many, and the check of its items runs that many times more than the rest. With one item per
 * run, the check of the data diffs of the bench's eleven lists took 12.7 ms in all on their first
 * requests, and 4.8 ms with 15 (CPU profiles, by hand).
 */
const SAMPLE_ITEMS = 15;

type Sample = (typeof import('openapi-sampler'))['sample'];

/** Runs `validate` on a sample of `schema` made by openapi-sampler, so that its code is compiled. */
function exercise(sample: Sample, validate: ValidateFunction, schema: Json, document: Json): void {
  let body: unknown;
  try {
    body = sample(schema, { quiet: true }, document);
  } catch {
    return;
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body))
    for (const [key, value] of Object.entries(body))
      if (Array.isArray(value) && value.length === 1)
        (body as Json)[key] = Array.from({ length: SAMPLE_ITEMS }, () => value[0] as unknown);
  // Whether the sample passes does not matter: only that the checking code runs.
  for (let i = 0; i < WARM_RUNS; i++) validate(body);
}

/** A value made on first call, then kept. */
function once<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) [value, made] = [make(), true];
    return value;
  };
}

function pointer(...parts: string[]): string {
  return '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export function loadSpec(file: URL | string, id: string): Spec {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false, coerceTypes: false });
  addFormats.default(ajv);
  // Ajv checks the document with its nullable fields flattened (nullables.ts): the same schemas.
  ajv.addSchema(flattenNullables(document) as Json, id);
  const queryAjv = new Ajv2020({ strict: false, coerceTypes: true });
  const operations = new Map<string, Operation>();
  /** Per operation, what compiles all its validators. */
  const compilers: Array<(sample: Sample) => void> = [];
  const paths = document.paths as Record<string, Record<string, Json>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const operationId = op.operationId as string;
      const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'query');
      const query = once(() =>
        params.length
          ? queryAjv.compile({
              type: 'object',
              properties: Object.fromEntries(params.map((p) => [p.name as string, p.schema as Json])),
              required: params.filter((p) => p.required).map((p) => p.name as string),
            })
          : undefined,
      );
      const body = once(() =>
        (op.requestBody as Json | undefined)?.content
          ? ajv.compile({
              $ref: `${id}${pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema')}`,
            })
          : undefined,
      );
      const responses = new Map<string, () => ValidateFunction>();
      /** The JSON schemas of the success responses, which warmUp exercises. */
      const successes = new Map<string, Json>();
      for (const [status, declared] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        // A response may be a $ref to components/responses; validate against wherever it points.
        const ref = declared.$ref as string | undefined;
        const at = ref ? ref.slice(2).split('/') : ['paths', path, method, 'responses', status];
        const response = ref
          ? (at.reduce<unknown>((node, key) => (node as Json)[key], document) as Json)
          : declared;
        const content = (response.content ?? {}) as Json;
        // application/json first; an RFC 7807 problem+json body is checked the same way.
        const type = ['application/json', 'application/problem+json'].find((t) => content[t]);
        if (!type) continue;
        responses.set(
          status,
          once(() => ajv.compile({ $ref: `${id}${pointer(...at, 'content', type, 'schema')}` })),
        );
        if (status.startsWith('2')) successes.set(status, (content[type] as Json).schema as Json);
      }
      compilers.push((sample) => {
        query();
        body();
        for (const [status, compile] of responses) {
          const validate = compile();
          const schema = successes.get(status);
          if (schema) exercise(sample, validate, schema, document);
        }
      });
      operations.set(operationId, {
        operationId,
        method: method.toUpperCase(),
        path,
        get query() {
          return query();
        },
        get body() {
          return body();
        },
        // The exact status first, then its range (`4XX`), then `default`, as OpenAPI matches them.
        response: (status) =>
          (responses.get(status) ?? responses.get(`${status[0]}XX`) ?? responses.get('default'))?.(),
      });
    }
  }
  const components = new Map<string, ValidateFunction>();
  const component = (name: string) => {
    let validate = components.get(name);
    if (!validate) {
      validate = ajv.compile({ $ref: `${id}${pointer('components', 'schemas', name)}` });
      components.set(name, validate);
    }
    return validate;
  };
  const warmUp = async (stopped = () => false) => {
    // Loaded here, once the server listens: importing it takes about 17 ms.
    const { sample } = await import('openapi-sampler');
    for (const compile of compilers) {
      await new Promise((turn) => setImmediate(turn));
      if (stopped()) return;
      compile(sample);
    }
  };
  return { document, operations, component, warmUp };
}

/** The project's openapi/ folder, found from src/spec (tests) or dist/src/spec (the built server). */
export function specFile(name: string): URL {
  const candidates = ['../../openapi/', '../../../openapi/'].map(
    (dir) => new URL(dir + name, import.meta.url),
  );
  return candidates.find((url) => existsSync(url)) ?? candidates[0]!;
}
