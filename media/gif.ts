/**
 * Counts the frames (image descriptors) of a GIF by walking its blocks once; undefined when the
 * bytes do not hold a well-formed block sequence. Work is linear in the size of the file.
 */
export function gifFrameCount(bytes: Uint8Array): number | undefined {
  if (bytes.length < 13) return undefined;
  const packed = bytes[10] ?? 0;
  let at = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  let frames = 0;
  while (at < bytes.length) {
    const introducer = bytes[at];
    if (introducer === 0x3b) return frames;
    if (introducer === 0x21) {
      at = skipSubBlocks(bytes, at + 2);
    } else if (introducer === 0x2c) {
      const local = bytes[at + 9] ?? 0;
      at += 10 + (local & 0x80 ? 3 * 2 ** ((local & 0x07) + 1) : 0);
      // One byte of LZW minimum code size, then the image data as sub-blocks.
      at = skipSubBlocks(bytes, at + 1);
      frames++;
    } else {
      return undefined;
    }
    if (at < 0) return undefined;
  }
  // No trailer: browsers still show what came before it, and so may LinkedIn.
  return frames > 0 ? frames : undefined;
}

/** Index after the terminating zero-length sub-block, or -1 when the data runs out first. */
function skipSubBlocks(bytes: Uint8Array, start: number): number {
  let at = start;
  while (at < bytes.length) {
    const size = bytes[at] ?? 0;
    at += 1 + size;
    if (size === 0) return at;
  }
  return -1;
}
