/**
 * The checksum that seals a charnn checkpoint: SHA-256 over everything the file says (every
 * metadata entry but the checksum itself, every tensor's dtype, shape and offsets, and the
 * whole data region), so a flipped bit anywhere is caught on load rather than read as a
 * subtly different model.
 *
 * It is computed over the parsed header in a canonical form (keys sorted, no padding) rather
 * than over the raw header bytes, so the writer and the reader compute it from the same thing
 * without having to locate the checksum's own bytes inside the JSON.
 */
import { platform } from '../platform/platform.js';
import type { SafetensorsFile } from './safetensors.js';

/** The metadata key that holds the checksum. */
export const CHECKSUM_KEY = 'checksum';
const ALGORITHM = 'sha256';

/** "sha256:<64 hex digits>" of a parsed file, ignoring its own checksum entry. */
export function checksumOf(file: SafetensorsFile): string {
  const metadata = [...file.metadata].filter(([k]) => k !== CHECKSUM_KEY).sort(([a], [b]) => compare(a, b));
  const dataStart = file.bytes.length - dataLength(file);
  const tensors = [...file.tensors.values()]
    .sort((a, b) => compare(a.name, b.name))
    .map((t) => [t.name, t.dtype, t.shape, t.begin - dataStart, t.end - dataStart]);
  return `${ALGORITHM}:${platform().sha256([JSON.stringify({ metadata, tensors }), file.bytes.subarray(dataStart)])}`;
}

/** Bytes after the header: the file minus 8 bytes of length and the header itself. */
function dataLength(file: SafetensorsFile): number {
  const n = Number(new DataView(file.bytes.buffer, file.bytes.byteOffset, 8).getBigUint64(0, true));
  return file.bytes.length - 8 - n;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
