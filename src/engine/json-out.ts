// JSON text written straight into bytes, for the derived rows of a keyed compare (JSON lines, one
// object per row): a CSV cell whose bytes are already its JSON (an integer or a decimal as Number()
// then String() would write it, plain ASCII text) is copied as it is, without making the cell or a
// string of it. Every cell is written as JSON.stringify writes it; a property test holds them alike.
import { fieldText } from './csv-bounds.js';
import { QUOTE } from './csv-scan.js';
import { cellAt } from './csv-keys.js';
import { booleanAt } from './field-numbers.js';
import type { Cell, Dtype } from './frame.js';
import { keepShapes } from './kept-shapes.js';

/** A growing buffer of JSON text. */
export class JsonOut {
  private bytes: Buffer;
  /** How many bytes are written. */
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  /** Makes room for `count` more bytes. */
  private room(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + count));
    this.bytes.copy(larger, 0, 0, this.length);
    this.bytes = larger;
  }

  /** Appends `source[start, end)`. */
  copy(source: Buffer, start: number, end: number): void {
    this.room(end - start);
    const { bytes } = this;
    let at = this.length;
    // Most fields are short: a loop costs less than the call of a native copy.
    if (end - start > 64) at += source.copy(bytes, at, start, end);
    else for (let k = start; k < end; k++) bytes[at++] = source[k]!;
    this.length = at;
  }

  /**
   * Appends `source` from `start` up to its first byte `stop1` or `stop2`, or `end`; returns where
   * it stopped. One pass for a field whose end is not known yet: it is looked for as it is copied.
   */
  copyUntil(source: Buffer, start: number, end: number, stop1: number, stop2: number): number {
    let at = start;
    for (;;) {
      // Room for a stretch of 64 bytes at a time: most fields fit in one.
      this.room(64);
      const { bytes } = this;
      let out = this.length;
      const limit = Math.min(end, at + 64);
      for (; at < limit; at++) {
        const byte = source[at]!;
        if (byte === stop1 || byte === stop2) break;
        bytes[out++] = byte;
      }
      this.length = out;
      if (at < limit || at >= end) return at;
    }
  }

  /** Appends text (in UTF-8). */
  text(text: string): void {
    this.room(text.length * 3);
    this.length += this.bytes.write(text, this.length);
  }

  /** Appends text known to be ASCII, such as a number's: short, so a loop costs less than a call. */
  ascii(text: string): void {
    this.room(text.length);
    const { bytes } = this;
    let at = this.length;
    for (let k = 0; k < text.length; k++) bytes[at++] = text.charCodeAt(k);
    this.length = at;
  }

  /** Appends one byte. */
  byte(byte: number): void {
    this.room(1);
    this.bytes[this.length++] = byte;
  }

  /** Writes a cell as JSON.stringify does; false, writing nothing, for null. */
  cell(cell: Cell | undefined): boolean {
    if (cell === null || cell === undefined) return false;
    if (typeof cell === 'number') this.ascii(Number.isFinite(cell) ? String(cell) : 'null');
    else if (typeof cell === 'boolean') this.ascii(cell ? 'true' : 'false');
    else this.text(JSON.stringify(cell));
    return true;
  }

  /** The bytes written, as a view of this buffer: valid until the next write. */
  written(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** The bytes written, in memory of their own (so that they can move to another thread); empties this. */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.length);
    this.bytes.copy(out, 0, 0, this.length);
    this.length = 0;
    return out;
  }
}

/**
 * Writes the cell of dtype `dtype` whose field is `bytes[start, end)` (what cellAt reads) as
 * JSON.stringify writes it; false, writing nothing, when the cell is null.
 */
export function writeField(out: JsonOut, bytes: Buffer, start: number, end: number, dtype: Dtype): boolean {
  if (start === end) return false;
  if (
    dtype === 'str'
      ? plainAscii(bytes, start, end)
      : dtype === 'bool'
        ? booleanAt(bytes, start, end, true)
        : (dtype === 'i64' || dtype === 'f64') && numberAsWritten(bytes, start, end, dtype)
  ) {
    if (dtype === 'str') out.byte(QUOTE);
    out.copy(bytes, start, end);
    if (dtype === 'str') out.byte(QUOTE);
    return true;
  }
  if (dtype === 'str' && quotedPlainAscii(bytes, start, end)) {
    out.copy(bytes, start, end);
    return true;
  }
  if (dtype === 'str') {
    const text = fieldText(bytes, start, end);
    return text !== '' && out.cell(text);
  }
  return out.cell(cellAt(bytes, start, end, dtype));
}

/** Whether the field is unquoted ASCII that JSON writes as it is: no quote, backslash or control character. */
function plainAscii(bytes: Buffer, start: number, end: number): boolean {
  if (bytes[start] === QUOTE) return false;
  return plainBytes(bytes, start, end);
}

/**
 * Whether the field is quoted, and its value (between its quotes) non-empty plain ASCII as
 * plainAscii tells: then the field as written, quotes and all, is its value's JSON.
 */
function quotedPlainAscii(bytes: Buffer, start: number, end: number): boolean {
  return (
    end - start > 2 &&
    bytes[start] === QUOTE &&
    bytes[end - 1] === QUOTE &&
    plainBytes(bytes, start + 1, end - 1)
  );
}

function plainBytes(bytes: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const byte = bytes[at]!;
    if (byte < 0x20 || byte > 0x7e || byte === 0x22 || byte === 0x5c) return false;
  }
  return true;
}

/**
 * Whether the field is a number that String() writes with the same bytes once read: an integer of
 * up to 15 digits without leading zeros, and not "-0"; for f64, also a decimal of up to 15
 * significant digits without needless zeros whose value String() writes without an exponent (at
 * least 1e-6). Up to 15 digits, two decimals are two doubles, so the shortest text that reads back
 * as the number is the field.
 */
function numberAsWritten(bytes: Buffer, start: number, end: number, dtype: Dtype): boolean {
  let at = bytes[start] === 0x2d ? start + 1 : start;
  const first = at;
  while (at < end && bytes[at]! >= 0x30 && bytes[at]! <= 0x39) at++;
  const whole = at - first;
  if (whole === 0 || whole > 15 || (whole > 1 && bytes[first] === 0x30)) return false;
  if (at === end) return !(whole === 1 && bytes[first] === 0x30 && first > start);
  if (dtype !== 'f64' || bytes[at] !== 0x2e) return false;
  const point = at++;
  while (at < end && bytes[at]! >= 0x30 && bytes[at]! <= 0x39) at++;
  const fraction = at - point - 1;
  if (at !== end || fraction === 0 || bytes[end - 1] === 0x30) return false;
  if (bytes[first] !== 0x30) return whole + fraction <= 15;
  // "0.000…": its leading zeros are no significant digits, and six or more make String() use an exponent.
  let zeros = 0;
  while (bytes[point + 1 + zeros] === 0x30) zeros++;
  return zeros < 6 && fraction - zeros <= 15;
}

// See kept-shapes.ts.
keepShapes(new JsonOut(1));
