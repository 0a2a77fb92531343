// FastAPI/Pydantic v2 request validation, as Datafold's API answers it (reference §3.1): a body, path
// or query value is checked against its OpenAPI schema and every problem becomes one
// `{type, loc, msg, input, ctx?}` item, with Pydantic's lax coercions (a numeric string is an
// integer, "yes" is a boolean, …). Only the schema forms the Datafold document uses are handled.

import { parseTree, ParseErrorCode, type ParseError } from 'jsonc-parser';

type Json = Record<string, unknown>;
export type Loc = Array<string | number>;
export interface ValidationItem {
  type: string;
  loc: Loc;
  msg: string;
  input: unknown;
  ctx?: Json;
}
export interface Checked {
  value: unknown;
  errors: ValidationItem[];
}

/** One Pydantic error for `input` at `loc`. */
function failure(loc: Loc, input: unknown, type: string, msg: string, ctx?: Json): Checked {
  return { value: input, errors: [{ type, loc, msg, input, ...(ctx && { ctx }) }] };
}

const MODEL_TYPE_MSG = 'Input should be a valid dictionary or object to extract fields from';
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const quoteList = (values: unknown[]) => {
  const q = values.map((v) => `'${String(v)}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : (q[0] ?? '');
};
const TRUE = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', 'off', '0']);
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export class PydanticValidator {
  constructor(private readonly document: Json) {}

  private resolve(schema: Json): Json {
    let s = schema;
    while (typeof s.$ref === 'string')
      s = s.$ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Json)[key], this.document) as Json;
    return s;
  }

  /** Validates `input` at `loc` against `schema`; returns the coerced value and the errors. */
  check(schema: Json, input: unknown, loc: Loc): Checked {
    const s = this.resolve(schema);
    const err = (type: string, msg: string, ctx?: Json) => failure(loc, input, type, msg, ctx);
    const ok = (value: unknown): Checked => ({ value, errors: [] });

    if (Array.isArray(s.anyOf)) {
      const options = s.anyOf as Json[];
      const nonNull = options.filter((o) => o.type !== 'null');
      if (input === null && nonNull.length < options.length) return ok(null);
      if (nonNull.length === 1) return this.check(nonNull[0]!, input, loc);
      // A smart union: the first member that accepts the input wins; else every member's errors.
      const tries = nonNull.map((o) => ({ o, r: this.check(o, input, [...loc, this.memberName(o)]) }));
      const first = tries.find((t) => t.r.errors.length === 0);
      return first ? first.r : { value: input, errors: tries.flatMap((t) => t.r.errors) };
    }
    if (Array.isArray(s.oneOf) && isObject(s.discriminator)) return this.checkTagged(s, input, loc);
    if (Array.isArray(s.enum)) {
      return s.enum.includes(input)
        ? ok(input)
        : err('enum', `Input should be ${quoteList(s.enum)}`, { expected: quoteList(s.enum) });
    }
    if (s.const !== undefined)
      return input === s.const
        ? ok(input)
        : err('literal_error', `Input should be ${quoteList([s.const])}`, { expected: quoteList([s.const]) });

    switch (s.type) {
      case 'integer': {
        let n: number | undefined;
        if (typeof input === 'boolean') n = Number(input);
        else if (typeof input === 'number') {
          if (!Number.isInteger(input))
            return err(
              'int_from_float',
              'Input should be a valid integer, got a number with a fractional part',
            );
          n = input;
        } else if (typeof input === 'string') {
          if (!/^\s*[+-]?\d+\s*$/.test(input))
            return err(
              'int_parsing',
              'Input should be a valid integer, unable to parse string as an integer',
            );
          n = Number(input);
        } else return err('int_type', 'Input should be a valid integer');
        return this.bounds(s, n, input, loc);
      }
      case 'number': {
        if (typeof input === 'number' || typeof input === 'boolean')
          return this.bounds(s, Number(input), input, loc);
        if (typeof input === 'string') {
          const n = Number(input.trim());
          return input.trim() !== '' && !Number.isNaN(n)
            ? this.bounds(s, n, input, loc)
            : err('float_parsing', 'Input should be a valid number, unable to parse string as a number');
        }
        return err('float_type', 'Input should be a valid number');
      }
      case 'boolean': {
        if (typeof input === 'boolean') return ok(input);
        if (typeof input === 'number' && (input === 0 || input === 1)) return ok(input === 1);
        if (typeof input === 'string') {
          const lower = input.toLowerCase();
          if (TRUE.has(lower)) return ok(true);
          if (FALSE.has(lower)) return ok(false);
        }
        if (typeof input === 'string' || typeof input === 'number')
          return err('bool_parsing', 'Input should be a valid boolean, unable to interpret input');
        return err('bool_type', 'Input should be a valid boolean');
      }
      case 'string': {
        if (typeof input !== 'string') return err('string_type', 'Input should be a valid string');
        if (s.format === 'uri') {
          if (input.length === 0)
            return err('url_parsing', 'Input should be a valid URL, input is empty', {
              error: 'input is empty',
            });
          if (!/^[a-z][a-z0-9+.-]*:/i.test(input))
            return err('url_parsing', 'Input should be a valid URL, relative URL without a base', {
              error: 'relative URL without a base',
            });
        }
        if (s.format === 'date-time' && !ISO_DATETIME.test(input))
          return err(
            'datetime_from_date_parsing',
            `Input should be a valid datetime or date, ${input.length < 10 ? 'input is too short' : 'invalid character in year'}`,
            { error: input.length < 10 ? 'input is too short' : 'invalid character in year' },
          );
        return ok(input);
      }
      case 'array':
        return this.checkArray(s, input, loc);
      case 'object':
        if (s.properties) return this.checkModel(s, input, loc);
        return isObject(input) ? ok(input) : err('dict_type', 'Input should be a valid dictionary');
      default:
        return ok(input);
    }
  }

  private memberName(schema: Json): string {
    const s = this.resolve(schema);
    if (s.format === 'date-time') return 'datetime';
    return ({ integer: 'int', number: 'float', string: 'str', boolean: 'bool', array: 'list' } as Json)[
      s.type as string
    ] as string;
  }

  private bounds(s: Json, n: number, input: unknown, loc: Loc): Checked {
    if (typeof s.minimum === 'number' && n < s.minimum)
      return failure(
        loc,
        input,
        'greater_than_equal',
        `Input should be greater than or equal to ${s.minimum}`,
        {
          ge: s.minimum,
        },
      );
    if (typeof s.maximum === 'number' && n > s.maximum)
      return failure(loc, input, 'less_than_equal', `Input should be less than or equal to ${s.maximum}`, {
        le: s.maximum,
      });
    return { value: n, errors: [] };
  }

  private checkArray(s: Json, input: unknown, loc: Loc): Checked {
    const prefix = s.prefixItems as Json[] | undefined;
    if (!Array.isArray(input))
      return prefix
        ? failure(loc, input, 'tuple_type', 'Input should be a valid tuple')
        : failure(loc, input, 'list_type', 'Input should be a valid list');
    // The only tuples here are fixed pairs: at least and at most prefix.length items.
    const size = prefix?.length;
    const actual = input.length;
    if (size !== undefined && actual !== size) {
      const [type, bound, key] =
        actual < size ? ['too_short', 'at least', 'min_length'] : ['too_long', 'at most', 'max_length'];
      return failure(
        loc,
        input,
        type,
        `Tuple should have ${bound} ${size} items after validation, not ${actual}`,
        {
          field_type: 'Tuple',
          [key]: size,
          actual_length: actual,
        },
      );
    }
    const results = input.map((item, i) =>
      this.check(prefix ? prefix[i]! : ((s.items ?? {}) as Json), item, [...loc, i]),
    );
    return { value: results.map((r) => r.value), errors: results.flatMap((r) => r.errors) };
  }

  private checkModel(s: Json, input: unknown, loc: Loc): Checked {
    if (!isObject(input)) return failure(loc, input, 'model_attributes_type', MODEL_TYPE_MSG);
    const required = new Set((s.required ?? []) as string[]);
    const value: Json = {};
    const errors: ValidationItem[] = [];
    for (const [name, prop] of Object.entries(s.properties as Record<string, Json>)) {
      if (!(name in input)) {
        if (required.has(name))
          errors.push({ type: 'missing', loc: [...loc, name], msg: 'Field required', input });
        continue;
      }
      const r = this.check(prop, input[name], [...loc, name]);
      value[name] = r.value;
      errors.push(...r.errors);
    }
    return { value, errors };
  }

  private checkTagged(s: Json, input: unknown, loc: Loc): Checked {
    const { propertyName, mapping } = s.discriminator as {
      propertyName: string;
      mapping: Record<string, string>;
    };
    const tags = Object.keys(mapping);
    const fail = (type: string, msg: string, ctx?: Json) => failure(loc, input, type, msg, ctx);
    if (!isObject(input)) return fail('model_attributes_type', MODEL_TYPE_MSG);
    const tag = input[propertyName];
    if (tag === undefined)
      return fail('union_tag_not_found', `Unable to extract tag using discriminator '${propertyName}'`, {
        discriminator: `'${propertyName}'`,
      });
    if (typeof tag !== 'string' || !tags.includes(tag))
      return fail(
        'union_tag_invalid',
        `Input tag '${String(tag)}' found using '${propertyName}' does not match any of the expected tags: ${tags.map((t) => `'${t}'`).join(', ')}`,
        {
          discriminator: `'${propertyName}'`,
          tag: String(tag),
          expected_tags: tags.map((t) => `'${t}'`).join(', '),
        },
      );
    return this.check({ $ref: mapping[tag] }, input, [...loc, tag]);
  }
}

const PYTHON_JSON_MESSAGES: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.PropertyNameExpected]: 'Expecting property name enclosed in double quotes',
  [ParseErrorCode.ColonExpected]: "Expecting ':' delimiter",
  [ParseErrorCode.CommaExpected]: "Expecting ',' delimiter",
  [ParseErrorCode.CloseBraceExpected]: "Expecting ',' delimiter",
  [ParseErrorCode.CloseBracketExpected]: "Expecting ',' delimiter",
  [ParseErrorCode.EndOfFileExpected]: 'Extra data',
  [ParseErrorCode.UnexpectedEndOfString]: 'Unterminated string starting at',
};

/** How many brackets are still open at the end of `text` (strings skipped). */
function depthAfter(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return depth;
}

/**
 * FastAPI's 422 for a body that is not JSON: Python's json error message and the character offset
 * where it stopped (jsonc-parser finds both the same way). Null when the text parses.
 */
export function jsonDecodeError(text: string): ValidationItem | null {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return null;
  let error = PYTHON_JSON_MESSAGES[first.error] ?? 'Expecting value';
  if (first.error === ParseErrorCode.InvalidSymbol) {
    // jsonc-parser reports an unquoted key or trailing garbage as a bad symbol; Python is more specific.
    const before = text.slice(0, first.offset).trimEnd();
    if (before.endsWith('{')) error = PYTHON_JSON_MESSAGES[ParseErrorCode.PropertyNameExpected]!;
    else if (before !== '' && depthAfter(before) === 0) error = 'Extra data';
  }
  return {
    type: 'json_invalid',
    loc: ['body', first.offset],
    msg: 'JSON decode error',
    input: {},
    ctx: { error },
  };
}
