// Small real image files for Bluesky tests, built byte by byte: a PNG of any size and a JPEG
// header whose EXIF says "rotated a quarter turn" (how phones store portrait photos).
import { crc32, deflateSync } from 'node:zlib';

/** A valid RGB PNG of `width` × `height`, one flat colour; `padding` grows the file. */
export function pngBytes(width: number, height: number, padding = 0): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', pixels)];
  // An ancillary text chunk is ignored by readers: it makes a file as large as a test needs.
  if (padding > 0) {
    chunks.push(
      chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(padding, 0x61)])),
    );
  }
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      ...chunks,
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A JPEG header (SOI, EXIF with orientation 6, SOF0 of `width` × `height`, EOI). */
export function rotatedJpegHeader(width: number, height: number): Uint8Array {
  // EXIF: "Exif\0\0" + big-endian TIFF header + one IFD entry, Orientation (0x0112) = 6.
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  ]);
  const exif = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = segment(0xe1, exif);
  const sof = Buffer.alloc(15);
  sof.writeUInt8(8, 0); // precision
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof.writeUInt8(3, 5); // components
  sof.set([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 6);
  return new Uint8Array(
    Buffer.concat([Buffer.from([0xff, 0xd8]), app1, segment(0xc0, sof), Buffer.from([0xff, 0xd9])]),
  );
}

function segment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}
