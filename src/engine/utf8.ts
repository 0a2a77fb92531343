import { isUtf8 } from 'node:buffer';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes of a UTF-8 text without its byte order mark, as decoding drops it (a view, not a copy);
 * null when they are not valid UTF-8.
 */
export function utf8Body(bytes: Uint8Array): Buffer | null {
  if (!isUtf8(bytes)) return null;
  const whole = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return whole[0] === 0xef && whole[1] === 0xbb && whole[2] === 0xbf ? whole.subarray(3) : whole;
}

/** Decodes UTF-8 strictly; null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}
