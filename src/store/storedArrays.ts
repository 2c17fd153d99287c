import type { StoredArray } from "./indexParts.js";

export interface StoredArrayType<T extends StoredArray> {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (buffer: ArrayBufferLike): T;
}

/**
 * A file's bytes as the typed array a build stored (raw, little-endian), or
 * undefined when they are not a whole number of elements. A view when the
 * bytes are aligned (a large file gets a buffer of its own), a copy otherwise
 * (a small one may share a pooled buffer): a copy of the sentence vectors
 * would double a large index's peak memory at load.
 */
export function storedArrayOf<T extends StoredArray>(bytes: Buffer, Type: StoredArrayType<T>): T | undefined {
  if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) return undefined;
  return bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0
    ? new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT)
    : new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
