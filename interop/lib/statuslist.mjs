// Bitstring Status List encode/decode (W3C Bitstring Status List v1.0):
// GZIP, then multibase base64url without padding ("u" prefix); bit 0 is the
// most significant bit of the first byte.
import {gunzipSync, gzipSync} from 'node:zlib';

/** The minimum list length the spec requires (16 KiB of bits). */
export const MIN_ENTRIES = 131072;
/** A cap on the decompressed size, against GZIP bombs. */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

/**
 * Encodes a list of `size` bits with the `setIndices` bits set.
 *
 * @param {number} size - Number of entries.
 * @param {number[]} setIndices - Indices whose bit is set.
 * @returns {string} The encodedList value.
 */
export function encodeList(size, setIndices) {
  const bytes = new Uint8Array(Math.ceil(size / 8));
  for(const index of setIndices) {
    if(!Number.isInteger(index) || index < 0 || index >= size) {
      throw new Error(`status index ${index} is outside 0..${size - 1}`);
    }
    bytes[index >> 3] |= 0x80 >> (index & 7);
  }
  return 'u' + gzipSync(bytes).toString('base64url');
}

/**
 * Reads bit `index` of an encodedList.
 *
 * @param {string} encodedList - The encodedList value.
 * @param {number} index - The entry index.
 * @returns {boolean} Whether the bit is set.
 */
export function isSet(encodedList, index) {
  if(typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw new Error('encodedList must be a multibase base64url string ("u" prefix)');
  }
  const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'),
    {maxOutputLength: MAX_DECODED_BYTES});
  if(bytes.length * 8 < MIN_ENTRIES) {
    throw new Error(`status list has ${bytes.length * 8} entries, fewer than ${MIN_ENTRIES}`);
  }
  if(!Number.isInteger(index) || index < 0 || index >= bytes.length * 8) {
    throw new Error(`statusListIndex ${index} is outside the list`);
  }
  return (bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
}
