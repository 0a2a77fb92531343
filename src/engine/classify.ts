// What oxen-server records about a file at commit time (reference §4.5): MIME type from magic bytes,
// else `.md`, else UTF-8-ness of the first 4 KiB; a data type from the MIME type and extension; and
// the per-type metadata shown in entries.
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { readShape } from './read-frame.js';
import { decodeUtf8 } from './utf8.js';
import { schemaOf, type Schema } from './frame.js';

export type DataType = 'dir' | 'text' | 'image' | 'video' | 'audio' | 'tabular' | 'binary';

export type FileMetadata =
  | { text: { num_lines: number; num_chars: number } }
  | { image: { width: number; height: number; color_space: string | null } }
  | { tabular: { width: number; height: number; schema: Schema } }
  | null;

export interface FileClass {
  mime_type: string;
  data_type: DataType;
  extension: string;
  metadata: FileMetadata;
}

// The MIME types oxen maps to image/video/audio (util/fs.rs lists them explicitly).
const IMAGE = ['jpeg', 'png', 'gif', 'webp', 'tiff', 'bmp', 'heif', 'avif', 'x-canon-cr2'].map(
  (t) => `image/${t}`,
);
const VIDEO = [
  'mp4',
  'x-m4v',
  'x-msvideo',
  'quicktime',
  'mpeg',
  'webm',
  'x-matroska',
  'x-flv',
  'x-ms-wmv',
].map((t) => `video/${t}`);
const AUDIO = [
  'midi',
  'mpeg',
  'm4a',
  'x-m4a',
  'wav',
  'x-wav',
  'ogg',
  'flac',
  'x-flac',
  'aac',
  'aiff',
  'x-aiff',
  'x-dsf',
  'x-ape',
].map((t) => `audio/${t}`);
const TABULAR_EXTENSIONS = new Set(['csv', 'tsv', 'parquet', 'arrow', 'ndjson', 'jsonl']);

/** The extension as oxen stores it: no dot, case kept, "" when there is none. */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
}

function isUtf8Prefix(bytes: Uint8Array): boolean {
  // A multi-byte character cut at the 4 KiB boundary is still UTF-8: allow up to 3 bytes of slack.
  const head = bytes.subarray(0, 4096);
  if (decodeUtf8(head) !== null) return true;
  return bytes.length > 4096 && [1, 2, 3].some((cut) => decodeUtf8(head.subarray(0, 4096 - cut)) !== null);
}

async function mimeOf(path: string, bytes: Uint8Array): Promise<string> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed) return sniffed.mime;
  if (extensionOf(path).toLowerCase() === 'md') return 'text/markdown';
  return isUtf8Prefix(bytes) ? 'text/plain' : 'application/octet-stream';
}

function dataTypeOf(mime: string, extension: string, bytes: Uint8Array): DataType {
  if (IMAGE.includes(mime)) return 'image';
  if (VIDEO.includes(mime)) return 'video';
  if (AUDIO.includes(mime)) return 'audio';
  const ext = extension.toLowerCase();
  if (TABULAR_EXTENSIONS.has(ext) || (ext === 'json' && bytes[0] === 0x5b)) return 'tabular';
  if (mime.startsWith('text/')) return 'text';
  const top = mime.slice(0, mime.indexOf('/'));
  if (top === 'image' || top === 'video' || top === 'audio') return top;
  return 'binary';
}

/** oxen's text metadata: lines are 1 + the newline count, characters are Unicode scalar values. */
export function textMetadata(text: string): { num_lines: number; num_chars: number } {
  let lines = 1;
  let chars = 0;
  for (const ch of text) {
    chars++;
    if (ch === '\n') lines++;
  }
  return { num_lines: lines, num_chars: chars };
}

// PNG colour types (IHDR byte 25) and bit depth (byte 24) as the `image` crate names them.
function pngColorSpace(bytes: Uint8Array): string | null {
  if (bytes.length < 26) return null;
  const depth = bytes[24];
  const names: Record<number, [string, string]> = {
    0: ['Grayscale', 'Grayscale16'],
    2: ['RGB', 'Rgb16'],
    3: ['RGB', 'RGB'],
    4: ['GrayscaleAlpha', 'GrayscaleAlpha16'],
    6: ['RGBA', 'Rgba16'],
  };
  const pair = names[bytes[25] ?? -1];
  return pair ? pair[depth === 16 ? 1 : 0] : 'Unknown';
}

function imageMetadata(mime: string, bytes: Uint8Array): FileMetadata {
  try {
    const { width, height } = imageSize(bytes);
    if (width === undefined || height === undefined) return null;
    const color = mime === 'image/png' ? pngColorSpace(bytes) : mime === 'image/jpeg' ? 'RGB' : null;
    return { image: { width, height, color_space: color } };
  } catch {
    return null;
  }
}

/** Classifies a committed file. A tabular file that does not parse is downgraded to binary. */
export async function classifyFile(path: string, bytes: Uint8Array): Promise<FileClass> {
  const mime_type = await mimeOf(path, bytes);
  const extension = extensionOf(path);
  const data_type = dataTypeOf(mime_type, extension, bytes);
  if (data_type === 'text') {
    const text = decodeUtf8(bytes);
    return { mime_type, data_type, extension, metadata: text === null ? null : { text: textMetadata(text) } };
  }
  if (data_type === 'tabular') {
    const shape = readShape(bytes, extension);
    if (!shape) return { mime_type, data_type: 'binary', extension, metadata: null };
    return {
      mime_type,
      data_type,
      extension,
      metadata: {
        tabular: { width: shape.columns.length, height: shape.height, schema: schemaOf(shape.columns) },
      },
    };
  }
  if (data_type === 'image')
    return { mime_type, data_type, extension, metadata: imageMetadata(mime_type, bytes) };
  return { mime_type, data_type, extension, metadata: null };
}
