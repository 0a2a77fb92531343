// Reads a data-frame compare body the way oxen-server does (serde_json into TabularCompareBody): a body
// that does not parse, or lacks a field, or has a field of the wrong type, is a 400 whose
// status_message is serde's own message with its line and column.
import { parseTree, ParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { oxenError } from '../../services/oxen/errors.js';
import { offsetPastNestingLimit } from '../json-nesting.js';
import type { CompareBody } from '../../services/oxen/data-frames.js';

type Expect =
  | { kind: 'string'; nullable: boolean }
  | { kind: 'seq'; item: Expect }
  | { kind: 'struct'; name: string; fields: Array<{ name: string; expect: Expect; required: boolean }> };

const str = (nullable = false): Expect => ({ kind: 'string', nullable });
const struct = (name: string, fields: Array<[string, Expect, boolean]>): Expect => ({
  kind: 'struct',
  name,
  fields: fields.map(([fieldName, expect, required]) => ({ name: fieldName, expect, required })),
});
const RESOURCE = struct('TabularCompareResourceBody', [
  ['path', str(), true],
  ['version', str(), true],
]);
const KEY = struct('TabularCompareFieldBody', [
  ['left', str(), true],
  ['right', str(), true],
  ['alias_as', str(true), false],
  ['compare_method', str(true), false],
]);
const TARGET = struct('TabularCompareTargetBody', [
  ['left', str(true), false],
  ['right', str(true), false],
  ['compare_method', str(true), false],
]);
const BODY = struct('TabularCompareBody', [
  ['compare_id', str(), true],
  ['left', RESOURCE, true],
  ['right', RESOURCE, true],
  ['keys', { kind: 'seq', item: KEY }, true],
  ['compare', { kind: 'seq', item: TARGET }, true],
  ['display', { kind: 'seq', item: TARGET }, true],
]);

class SerdeError extends Error {}

/** serde_json's default recursion limit: the 128th nested array or map is refused. */
const SERDE_RECURSION_LIMIT = 128;

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line} column ${offset - (before.lastIndexOf('\n') + 1)}`;
}

function describe(node: Node): string {
  switch (node.type) {
    case 'string':
      return `string ${JSON.stringify(node.value)}`;
    case 'number':
      return Number.isInteger(node.value) && !/[.eE]/.test(String(node.value))
        ? `integer \`${node.value}\``
        : `floating point \`${node.value}\``;
    case 'boolean':
      return `boolean \`${node.value}\``;
    case 'null':
      return 'null';
    case 'array':
      return 'sequence';
    default:
      return 'map';
  }
}

function expectation(e: Expect): string {
  return e.kind === 'string' ? 'a string' : e.kind === 'seq' ? 'a sequence' : `struct ${e.name}`;
}

function check(text: string, node: Node, e: Expect): unknown {
  const wrong = (): never => {
    // serde stops at the end of a scalar, but at the opening bracket of a list or map.
    const at = node.type === 'array' || node.type === 'object' ? node.offset + 1 : node.offset + node.length;
    throw new SerdeError(
      `invalid type: ${describe(node)}, expected ${expectation(e)} at ${position(text, at)}`,
    );
  };
  if (e.kind === 'string') {
    if (node.type === 'string') return node.value;
    if (node.type === 'null' && e.nullable) return null;
    return wrong();
  }
  if (e.kind === 'seq') {
    if (node.type !== 'array') return wrong();
    return (node.children ?? []).map((child) => check(text, child, e.item));
  }
  if (node.type !== 'object') return wrong();
  const out: Record<string, unknown> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children as [Node, Node];
    const field = e.fields.find((f) => f.name === key.value);
    if (!field) continue;
    if (field.name in out)
      throw new SerdeError(`duplicate field \`${field.name}\` at ${position(text, key.offset + key.length)}`);
    out[field.name] = check(text, value, field.expect);
  }
  const missing = e.fields.find((f) => f.required && !(f.name in out));
  if (missing)
    throw new SerdeError(`missing field \`${missing.name}\` at ${position(text, node.offset + node.length)}`);
  return out;
}

function syntaxMessage(text: string, error: ParseError): string {
  const atEnd = error.offset >= text.trimEnd().length;
  const messages: Partial<Record<ParseErrorCode, string>> = {
    [ParseErrorCode.PropertyNameExpected]: 'key must be a string',
    [ParseErrorCode.ColonExpected]: 'expected `:`',
    [ParseErrorCode.CommaExpected]: 'expected `,` or `}`',
    [ParseErrorCode.CloseBraceExpected]: atEnd ? 'EOF while parsing an object' : 'expected `,` or `}`',
    [ParseErrorCode.CloseBracketExpected]: atEnd ? 'EOF while parsing a list' : 'expected `,` or `]`',
    [ParseErrorCode.EndOfFileExpected]: 'trailing characters',
    [ParseErrorCode.UnexpectedEndOfString]: 'EOF while parsing a string',
    [ParseErrorCode.InvalidNumberFormat]: 'invalid number',
    [ParseErrorCode.InvalidCharacter]: 'control character (\\u0000-\\u001F) found while parsing a string',
  };
  const message = messages[error.error] ?? (atEnd ? 'EOF while parsing a value' : 'expected value');
  return `${message} at ${position(text, Math.min(error.offset + 1, text.length))}`;
}

/** Parses and checks the body; throws a body-parse OxenError carrying serde's message. */
export function parseCompareBody(text: string): CompareBody {
  const errors: ParseError[] = [];
  // serde_json refuses the 128th level of nesting; only the text before it is parsed, for syntax
  // errors that come first. (serde would also stop earlier at a type error; diffmock checks types
  // once the whole body has parsed, so a too-deep body is always a recursion error.)
  const tooDeep = offsetPastNestingLimit(text, SERDE_RECURSION_LIMIT);
  if (tooDeep >= 0) {
    parseTree(text.slice(0, tooDeep), errors, { disallowComments: true, allowTrailingComma: false });
    const earlier = errors.find((e) => e.offset < tooDeep);
    throw oxenError({
      kind: 'body-parse',
      message: earlier
        ? syntaxMessage(text, earlier)
        : `recursion limit exceeded at ${position(text, tooDeep + 1)}`,
    });
  }
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors[0] || !tree)
    throw oxenError({
      kind: 'body-parse',
      message: syntaxMessage(
        text,
        errors[0] ?? { error: ParseErrorCode.ValueExpected, offset: 0, length: 0 },
      ),
    });
  try {
    return check(text, tree, BODY) as CompareBody;
  } catch (error) {
    if (error instanceof SerdeError) throw oxenError({ kind: 'body-parse', message: error.message });
    throw error;
  }
}
