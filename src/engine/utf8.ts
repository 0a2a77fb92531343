const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly; null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}
