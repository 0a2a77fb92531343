// fast-check arbitraries drawn from the OpenAPI documents: values a schema allows, and values it
// does not (wrong types, hostile strings), for path, query and body inputs.
import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** Strings that have broken servers: traversal, encodings, control and non-BMP characters, SQL. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    '..',
    '../../etc/passwd',
    '%2e%2e%2f',
    '%00',
    '%',
    '%zz',
    '\u0000',
    '😀',
    'é/ü',
    "' OR 1=1 --",
    '"; DROP TABLE df_datadiffs; --',
    ' ',
    '',
    '9'.repeat(40),
    '-1',
    '1e309',
    'NaN',
    'null',
    '[]',
    '{}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Resolves a local `$ref` (`#/components/...`) against the document. */
function deref(schema: Schema, document: Schema): Schema {
  let s = schema;
  for (let depth = 0; typeof s.$ref === 'string' && depth < 20; depth++)
    s = (s.$ref as string)
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (node, key) => (node as Schema)[key.replace(/~1/g, '/').replace(/~0/g, '~')],
        document,
      ) as Schema;
  return s;
}

/** Values the schema allows (mostly), to a bounded depth. */
export function fromSchema(schema: Schema | boolean, document: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema === 'boolean') return schema ? fc.jsonValue({ maxDepth: 1 }) : fc.constant(null);
  const s = deref(schema, document);
  if (depth > 4) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, document, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length === 1)
    return fromSchema(s.allOf[0] as Schema, document, depth + 1);
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'integer':
          return fc.integer({
            min: typeof s.minimum === 'number' ? s.minimum : -1000,
            max: typeof s.maximum === 'number' ? s.maximum : 100_000,
          });
        case 'number':
          return fc.double({ noNaN: true, min: -1e6, max: 1e6 });
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(fromSchema((s.items as Schema) ?? {}, document, depth + 1), { maxLength: 3 });
        case 'object': {
          const properties = (s.properties ?? {}) as Record<string, Schema>;
          const required = new Set((s.required ?? []) as string[]);
          const record: Record<string, fc.Arbitrary<unknown>> = {};
          for (const [name, p] of Object.entries(properties))
            record[name] = fromSchema(p, document, depth + 1);
          return fc.record(record, { requiredKeys: Object.keys(record).filter((k) => required.has(k)) });
        }
        case 'string':
          return s.format === 'date-time'
            ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
            : fc.oneof(fc.string({ maxLength: 12 }), hostileString);
        default:
          return fc.jsonValue({ maxDepth: 2 });
      }
    }),
  );
}

/** A query value as sent on the wire: often valid, sometimes the wrong type or hostile. */
export function queryValue(schema: Schema, document: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fromSchema(schema, document).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
    },
    { weight: 1, arbitrary: hostileString },
  );
}

/** A JSON body: from the schema, mutated, any JSON at all, or not JSON. */
export function body(schema: Schema, document: Schema): fc.Arbitrary<string> {
  const valid = fromSchema(schema, document);
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))
        .map(([v, key, junk]) => JSON.stringify(v && typeof v === 'object' ? { ...v, [key]: junk } : junk)),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', '{', '[1,', '{"a":}', 'null'), hostileString) },
  );
}
