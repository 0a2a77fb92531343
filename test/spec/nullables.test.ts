import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenNullables } from '../../src/spec/nullables.js';
import { specFile } from '../../src/spec/openapi.js';
import { fromSchema } from '../fuzz/arbitraries.js';

type Schema = Record<string, unknown>;

describe('flattening nullable fields', () => {
  it('writes a one-type schema or null as that schema with null among its types', () => {
    const nullable = (schema: Schema, beside: Schema = {}) => ({
      ...beside,
      anyOf: [schema, { type: 'null' }],
    });
    expect(
      flattenNullables(nullable({ type: 'string', format: 'date-time' }, { title: 'At', default: null })),
    ).toEqual({ type: ['string', 'null'], format: 'date-time', title: 'At', default: null });
    // Null first, and an enum, which null must join.
    expect(flattenNullables({ anyOf: [{ type: 'null' }, { type: 'string', enum: ['a'] }] })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    // Inside arrays and objects, its branches flattened too.
    expect(
      flattenNullables({
        properties: { x: nullable({ type: 'array', items: nullable({ type: 'integer', minimum: 0 }) }) },
      }),
    ).toEqual({
      properties: { x: { type: ['array', 'null'], items: { type: ['integer', 'null'], minimum: 0 } } },
    });
  });

  it('leaves what a null could pass or fail otherwise as it was', () => {
    for (const schema of [
      // A reference, or a branch of several types or none.
      { anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }] },
      { anyOf: [{ type: ['string', 'integer'] }, { type: 'null' }] },
      { anyOf: [{ minLength: 1 }, { type: 'null' }] },
      // Keywords a null is tested by, in the branch or beside the anyOf.
      { anyOf: [{ type: 'string', const: 'a' }, { type: 'null' }] },
      { anyOf: [{ type: 'string', not: { const: 'a' } }, { type: 'null' }] },
      { anyOf: [{ type: 'string' }, { type: 'null' }], not: { const: null } },
      { anyOf: [{ type: 'string' }, { type: 'null', minimum: 1 }] },
      // Three branches; and data that looks like a schema.
      { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] },
      { default: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    ])
      expect(flattenNullables(schema)).toEqual(schema);
  });

  // The specs' schemas and their flattened copies must pass and fail the same values: values drawn
  // from each component schema, some of their fields then set to values of other types.
  it.each(['datafold.json', 'oxen.json', 'admin.json'])(
    'keeps every verdict of ajv on the component schemas of %s',
    (file) => {
      const document = JSON.parse(readFileSync(specFile(file), 'utf8')) as Schema;
      const validators = [document, flattenNullables(document) as Schema].map((doc, i) => {
        const ajv = new Ajv2020({ strict: false, validateSchema: false });
        addFormats.default(ajv);
        ajv.addSchema(doc, `doc${i}`);
        return (name: string) => ajv.compile({ $ref: `doc${i}#/components/schemas/${name}` });
      });
      const names = Object.keys((document.components as { schemas: Schema }).schemas);
      const junk = fc.constantFrom(
        null,
        0,
        -1,
        2.5,
        '',
        'x',
        '2025-01-01T00:00:00Z',
        true,
        [],
        ['a'],
        [null],
        {},
      );
      const verdicts = { passed: 0, failed: 0 };
      for (const name of names) {
        const [original, flattened] = validators.map((compile) => compile(name));
        const schema = (document.components as { schemas: Record<string, Schema> }).schemas[name]!;
        fc.assert(
          fc.property(
            fromSchema(schema, document),
            fc.array(fc.tuple(fc.nat(), junk), { maxLength: 3 }),
            (drawn, changes) => {
              let value = drawn;
              if (value && typeof value === 'object' && !Array.isArray(value)) {
                const keys = Object.keys(value);
                const changed = { ...(value as Schema) };
                for (const [at, v] of changes) if (keys.length) changed[keys[at % keys.length]!] = v;
                value = changed;
              } else if (changes.length) value = changes[0]![1];
              const verdict = original!(value);
              expect(flattened!(value)).toBe(verdict);
              verdicts[verdict ? 'passed' : 'failed']++;
            },
          ),
          { numRuns: 60 },
        );
      }
      // Both verdicts were given, many times.
      expect(verdicts.passed).toBeGreaterThan(names.length * 5);
      expect(verdicts.failed).toBeGreaterThan(names.length * 5);
    },
  );

  it('flattens most of a data diff record, whose fields are mostly nullable', () => {
    const document = JSON.parse(readFileSync(specFile('datafold.json'), 'utf8')) as Schema;
    const flat = flattenNullables(document) as { components: { schemas: Record<string, Schema> } };
    const fields = Object.values(
      flat.components.schemas.ApiDataDiffFull!.properties as Record<string, Schema>,
    );
    const withNullType = fields.filter((f) => Array.isArray(f.type) && f.type.includes('null'));
    expect(withNullType.length).toBeGreaterThan(fields.length / 2);
  });
});
