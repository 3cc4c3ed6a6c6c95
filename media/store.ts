import { createHash } from 'node:crypto';
import type { MediaType, MediaView } from '../contracts/media';
import type { Db } from '../platform/db/client';
import type { MediaFacts } from './inspect';

/** The content address of some bytes. */
export function mediaIdOf(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

const FACTS = {
  id: true,
  type: true,
  bytes: true,
  width: true,
  height: true,
  frames: true,
  pages: true,
} as const;

/**
 * Stores checked bytes under their content address. The same bytes stored twice keep the first
 * row (`created: false`): ids never change meaning.
 */
export async function putMedia(
  db: Db,
  input: { data: Uint8Array<ArrayBuffer>; facts: MediaFacts; uploadedBy: string },
): Promise<{ created: boolean; media: MediaView }> {
  const id = mediaIdOf(input.data);
  const { facts } = input;
  const inserted = await db.$executeRaw`
    INSERT INTO media (id, type, bytes, width, height, frames, pages, data, uploaded_by)
    VALUES (${id}, ${facts.type}, ${facts.bytes}, ${facts.width ?? null}, ${facts.height ?? null},
            ${facts.frames ?? null}, ${facts.pages ?? null}, ${input.data}, ${input.uploadedBy})
    ON CONFLICT (id) DO NOTHING`;
  const media = await findMedia(db, id);
  if (!media) throw new Error(`media ${id} vanished right after it was stored`);
  return { created: inserted > 0, media };
}

/** The facts of stored media (never the bytes); absent ids are missing from the map. */
export async function findMediaMany(db: Db, ids: string[]): Promise<Map<string, MediaView>> {
  if (ids.length === 0) return new Map();
  const rows = await db.media.findMany({ where: { id: { in: [...new Set(ids)] } }, select: FACTS });
  return new Map(rows.map((row) => [row.id, toView(row)]));
}

export async function findMedia(db: Db, id: string): Promise<MediaView | null> {
  const row = await db.media.findUnique({ where: { id }, select: FACTS });
  return row ? toView(row) : null;
}

export async function readMediaBytes(
  db: Db,
  id: string,
): Promise<{ type: MediaType; data: Uint8Array<ArrayBuffer> } | null> {
  const row = await db.media.findUnique({ where: { id }, select: { type: true, data: true } });
  return row ? { type: row.type as MediaType, data: row.data } : null;
}

function toView(row: {
  id: string;
  type: string;
  bytes: number;
  width: number | null;
  height: number | null;
  frames: number | null;
  pages: number | null;
}): MediaView {
  return {
    id: row.id,
    type: row.type as MediaType,
    bytes: row.bytes,
    ...(row.width === null ? {} : { width: row.width }),
    ...(row.height === null ? {} : { height: row.height }),
    ...(row.frames === null ? {} : { frames: row.frames }),
    ...(row.pages === null ? {} : { pages: row.pages }),
  };
}
