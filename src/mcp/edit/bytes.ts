/**
 * Text ↔ bytes without ever losing a byte: a file that is not valid UTF-8 is edited as text in
 * which each invalid byte reads as U+FFFD, and written back by splicing the changed bytes into the
 * original ones, so invalid sequences elsewhere in the file stay exactly as they were.
 */

export interface DecodedFile {
  text: string;
  /** For files that are not valid UTF-8: the byte offset of each UTF-16 unit of `text` (plus one for the end). */
  byteOffsets?: Uint32Array;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeFile(bytes: Buffer): DecodedFile {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    return decodeLossless(bytes);
  }
}

/** The bytes to write for `next`, an edit of `decoded.text`. */
export function encodeFile(original: Buffer, decoded: DecodedFile, next: string): Buffer {
  const offsets = decoded.byteOffsets;
  if (!offsets) return Buffer.from(next, 'utf8');
  const old = decoded.text;
  let prefix = 0;
  const limit = Math.min(old.length, next.length);
  while (prefix < limit && old.charCodeAt(prefix) === next.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair.
  if (prefix > 0 && prefix < limit && isHighSurrogate(old.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < limit - prefix && old.charCodeAt(old.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)) suffix++;
  if (suffix > 0 && suffix < limit - prefix && isLowSurrogate(old.charCodeAt(old.length - suffix))) suffix--;
  const middle = Buffer.from(next.slice(prefix, next.length - suffix), 'utf8');
  return Buffer.concat([original.subarray(0, offsets[prefix]!), middle, original.subarray(offsets[old.length - suffix]!)]);
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** UTF-8 decoding that maps every invalid byte to one U+FFFD and records where each unit came from. */
function decodeLossless(bytes: Buffer): DecodedFile {
  const units: number[] = [];
  const offsets: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const [codePoint, length] = readCodePoint(bytes, i);
    if (codePoint > 0xffff) {
      const v = codePoint - 0x10000;
      units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
      offsets.push(i, i);
    } else {
      units.push(codePoint);
      offsets.push(i);
    }
    i += length;
  }
  offsets.push(bytes.length);
  let text = '';
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192));
  return { text, byteOffsets: Uint32Array.from(offsets) };
}

/** [code point, byte length]; an invalid or truncated sequence is [U+FFFD, 1]. */
function readCodePoint(bytes: Buffer, at: number): [number, number] {
  const b0 = bytes[at]!;
  if (b0 < 0x80) return [b0, 1];
  let length: number;
  let min: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [length, min, cp] = [2, 0x80, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 <= 0xef) [length, min, cp] = [3, 0x800, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [length, min, cp] = [4, 0x10000, b0 & 0x07];
  else return [0xfffd, 1];
  if (at + length > bytes.length) return [0xfffd, 1];
  for (let k = 1; k < length; k++) {
    const b = bytes[at + k]!;
    if ((b & 0xc0) !== 0x80) return [0xfffd, 1];
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [0xfffd, 1];
  return [cp, length];
}
