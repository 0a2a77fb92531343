import { createRequire } from 'node:module';

/** Required rather than imported, as papaparse is (see csv-scan.ts). */
const { xxh3 } = createRequire(import.meta.url)('@node-rs/xxhash') as typeof import('@node-rs/xxhash');

/**
 * xxh3-128 of the bytes as lowercase hex without zero padding, the way oxen-server formats its
 * MerkleHash (`{:x}` of a u128): file hashes, row hashes, schema hashes.
 */
export function hashHex(input: string | Uint8Array): string {
  return xxh3.xxh128(typeof input === 'string' ? Buffer.from(input, 'utf8') : input).toString(16);
}

/** The same digest zero-padded to 32 hex digits (commit ids: deterministic 32-hex strings). */
export function hashHex32(input: string | Uint8Array): string {
  return hashHex(input).padStart(32, '0');
}
