// Numbers and booleans read straight from a CSV field's bytes, without making its text: short
// integers and decimals, as Number() reads them, and "true" or "false". Anything else is left to the
// caller, which converts the text.

/** The bytes of a minus sign and a decimal point. */
export const MINUS = 0x2d;
export const POINT = 0x2e;

/** 10 to the powers 0 to 15, each exact as a double. */
export const TENS = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * An unquoted decimal of at most 15 digits with one point ("52.74", "-.5", "1."), as Number() reads
 * it: its digits as an integer over a power of ten, both exact as doubles, divide to the correctly
 * rounded value, which Number() gives too. Undefined for anything else, which the caller converts
 * the slow way.
 */
export function decimalAt(bytes: Buffer, start: number, end: number): number | undefined {
  const negative = bytes[start] === MINUS;
  let digits = 0;
  let point = -1;
  let value = 0;
  for (let at = negative ? start + 1 : start; at < end; at++) {
    const byte = bytes[at]!;
    if (byte === POINT && point < 0) {
      point = at;
      continue;
    }
    const digit = byte - 0x30;
    if (digit < 0 || digit > 9 || ++digits > 15) return undefined;
    value = value * 10 + digit;
  }
  if (digits === 0 || point < 0) return undefined;
  const scaled = value / TENS[end - point - 1]!;
  return negative ? -scaled : scaled;
}

/**
 * An unquoted integer cell of at most 15 digits (exact as a double, as Number() would read it), or
 * null when empty; undefined for anything else, which the caller converts the slow way.
 */
export function integerAt(bytes: Buffer, start: number, end: number): number | null | undefined {
  if (start === end) return null;
  const negative = bytes[start] === MINUS;
  let at = negative ? start + 1 : start;
  if (at === end || end - at > 15) return undefined;
  let value = 0;
  for (; at < end; at++) {
    const digit = bytes[at]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/**
 * Whether the field is "true" or "false": in any case (as readCsv types a boolean), or, with
 * `lowerCase`, only as written in lower case (a boolean's JSON).
 */
export function booleanAt(bytes: Buffer, start: number, end: number, lowerCase = false): boolean {
  const word = end - start === 4 ? 'true' : end - start === 5 ? 'false' : '';
  const fold = lowerCase ? 0 : 0x20;
  for (let k = 0; k < word.length; k++) if ((bytes[start + k]! | fold) !== word.charCodeAt(k)) return false;
  return word !== '';
}
