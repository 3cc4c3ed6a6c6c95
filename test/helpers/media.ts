// Small, valid media files built in memory: what an editor would upload, in every shape the
// tests need (distinct bytes per seed, chosen dimensions, GIF frames, PDF pages).
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG of `width` × `height`. Only small images get real pixel data; a huge one is declared in
 * its header (what size checks read) with a token body, so tests stay fast.
 */
export function png(width = 2, height = 2, seed: string = randomBytes(8).toString('hex')): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const real = width * height <= 4096;
  const rows = real
    ? Buffer.concat(
        Array.from({ length: height }, (_, y) =>
          Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, (y * 31) % 256)]),
        ),
      )
    : Buffer.alloc(1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('tEXt', Buffer.from(`seed\0${seed}`, 'latin1')),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A baseline JPEG's markers (SOI, a comment, SOF0 with the size, EOI): what sniffing reads. */
export function jpeg(width = 3, height = 2, seed: string = randomBytes(8).toString('hex')): Buffer {
  const comment = Buffer.from(seed, 'latin1');
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), com, sof, Buffer.from([0xff, 0xd9])]);
}

/** A GIF of one-pixel frames. */
export function gif(frames = 1, seed: string = randomBytes(8).toString('hex')): Buffer {
  const header = Buffer.from('GIF89a', 'latin1');
  const screen = Buffer.from([1, 0, 1, 0, 0x80, 0, 0]); // 1×1, global table of 2 colours
  const palette = Buffer.from([0, 0, 0, 255, 255, 255]);
  const text = Buffer.from(seed, 'latin1');
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0])]);
  const frame = Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4c, 0x01, 0]);
  return Buffer.concat([
    header,
    screen,
    palette,
    comment,
    ...Array.from({ length: frames }, () => frame),
    Buffer.from([0x3b]),
  ]);
}

/** A PDF of `pages` pages, its page tree compressed in an object stream or in plain text. */
export async function pdf(
  pages = 2,
  options: { objectStreams?: boolean; seed?: string } = {},
): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.setTitle(options.seed ?? randomBytes(8).toString('hex'));
  for (let i = 0; i < pages; i++) document.addPage([200, 100]);
  return Buffer.from(await document.save({ useObjectStreams: options.objectStreams ?? true }));
}
