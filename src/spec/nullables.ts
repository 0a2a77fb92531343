// The specs write every optional field as pydantic does, `anyOf: [S, {type: 'null'}]`. Ajv checks such
// a field by trying S first, and on a null (most of a data diff's fields) S fails with an error object
// made and dropped before the null branch passes: checking a page of 100 data diffs made thousands.
// Where S has one type and only keywords of that type, the same schema is S with 'null' among its
// types, which ajv checks with one test of the value's type.

type Json = Record<string, unknown>;

/** Keywords that constrain values of one type only, and pass every value of another type. */
const OF_ONE_TYPE = new Set([
  // strings (format too: ajv checks a format only on values of its own type)
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'contentEncoding',
  'contentMediaType',
  // numbers
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  // arrays
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  // objects
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'dependentRequired',
  'dependentSchemas',
]);

/** Keywords that only annotate: they pass every value. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
]);

/** Keywords whose values are data, not schemas. */
const DATA = new Set(['default', 'examples', 'enum', 'const']);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNull = (schema: unknown) =>
  isObject(schema) &&
  schema.type === 'null' &&
  Object.keys(schema).every((k) => k === 'type' || ANNOTATIONS.has(k));

/** Whether null passes `schema` only by its type: one type, and nothing else that a null would meet. */
function ofOneType(schema: unknown): schema is Json & { type: string } {
  return (
    isObject(schema) &&
    typeof schema.type === 'string' &&
    schema.type !== 'null' &&
    Object.keys(schema).every((k) => k === 'type' || k === 'enum' || OF_ONE_TYPE.has(k) || ANNOTATIONS.has(k))
  );
}

/**
 * A copy of `node` (a schema, or a whole document) with each `anyOf` of a one-type schema and null
 * written as that schema with null among its types (and in its `enum`, if it has one), where the
 * `anyOf` has nothing beside it but annotations.
 */
export function flattenNullables(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(flattenNullables);
  if (!isObject(node)) return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, DATA.has(k) ? v : flattenNullables(v)]),
  );
  const { anyOf, ...beside } = out;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return out;
  if (!Object.keys(beside).every((k) => ANNOTATIONS.has(k))) return out;
  const [first, second] = anyOf as [unknown, unknown];
  const typed = isNull(second) ? first : isNull(first) ? second : undefined;
  if (!ofOneType(typed)) return out;
  const flat: Json = { ...typed, ...beside, type: [typed.type, 'null'] };
  if (Array.isArray(typed.enum) && !typed.enum.includes(null))
    flat.enum = [...(typed.enum as unknown[]), null];
  return flat;
}
