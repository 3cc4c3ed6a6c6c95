import { ApplicationFailure } from '@temporalio/activity';
import type { PostMedia } from '../contracts/media';
import { FailureType } from '../contracts/workflow';
import { readMediaBytes } from '../media/store';
import type { Db } from '../platform/db/client';
import type { Attachments, MediaKind, OutletFailure, OutletSession } from '../outlets/outlet';

/** How long one attempt polls a processing asset before handing the wait to the workflow. */
const POLL_BUDGET_MS = 10_000;
const POLL_EVERY_MS = 1_000;
/** Asked again after this long when LinkedIn is still processing. */
const PROCESSING_RECHECK_MS = 5_000;
/** Past this, an asset that is still not available fails the item: LinkedIn lost it. */
const MAX_PROCESSING_MS = 15 * 60_000;
/** Time an upload must leave for recording its result before the attempt's deadline. */
const UPLOAD_RESERVE_MS = 5_000;

export type MediaStep =
  | { kind: 'ready'; attachments: Attachments | undefined }
  /** Uploaded, not yet usable: the workflow waits durably, then calls again. */
  | { kind: 'pending'; retryAfterMs: number; message: string }
  /** The outlet refused or lost the media for good: the item fails with this reason. */
  | { kind: 'failed'; message: string }
  | { kind: 'outlet_failure'; failure: OutletFailure };

interface Item {
  position: number;
  mediaId: string;
  kind: MediaKind;
  label: string;
  alt?: string;
  title?: string;
}

export interface MediaStepInput {
  db: Db;
  session: OutletSession;
  publicationId: bigint;
  /** The attempt that owns the publication row: every write here is fenced by it. */
  fence: number;
  media: PostMedia | undefined;
  /** When this attempt must be done (ms since the epoch). */
  deadline: number;
  /** Deadline margin the create itself needs: polling stops before it. */
  createMarginMs: number;
  /** Wait after an upload whose status the token may not read. */
  graceMs: number;
}

/**
 * Makes a post's images or document usable on the outlet under the session's author, before the
 * create: each is uploaded once and its URN recorded with the publication (initialized →
 * uploaded → available), so a retried attempt reuses it and a re-sent create is identical. Rows
 * uploaded under another author are not reused (an asset may only go into its owner's posts).
 * Then waits until every asset is available: polling where the token may read the status, else
 * a grace after the upload, handed to the workflow as `pending` when it is longer than a poll.
 */
export async function prepareAttachments(input: MediaStepInput): Promise<MediaStep> {
  const { db, session, media } = input;
  if (!media) return { kind: 'ready', attachments: undefined };
  if (!session.media)
    return { kind: 'failed', message: 'this outlet does not take images or documents' };
  const items = itemsOf(media);
  const existing = await db.publicationMedia.findMany({
    where: { publicationId: input.publicationId },
  });
  const rows = new Map(existing.map((row) => [row.position, row]));

  for (const item of items) {
    const row = rows.get(item.position);
    const reusable =
      row?.mediaId === item.mediaId &&
      row.ownerUrn === session.authorUrn &&
      (row.state === 'uploaded' || row.state === 'available');
    if (reusable) continue;
    const uploaded = await upload(input, item);
    if (uploaded.kind !== 'uploaded') return uploaded.step;
    rows.set(item.position, uploaded.row);
  }

  const waiting = items.filter((item) => rows.get(item.position)?.state !== 'available');
  if (waiting.length > 0) {
    const step = await awaitAvailable(input, waiting, rows);
    if (step) return step;
  }
  return { kind: 'ready', attachments: attachmentsOf(media, items, rows) };
}

type Row = Awaited<ReturnType<Db['publicationMedia']['findMany']>>[number];

async function upload(
  input: MediaStepInput,
  item: Item,
): Promise<{ kind: 'uploaded'; row: Row } | { kind: 'stopped'; step: MediaStep }> {
  const { db, session } = input;
  const stored = await readMediaBytes(db, item.mediaId);
  if (!stored) {
    return stopped({
      kind: 'failed',
      message: `${item.label} (${item.mediaId}) is no longer stored; upload it again and submit a new version`,
    });
  }
  const media = session.media as NonNullable<OutletSession['media']>;
  const initialized = await media.initialize(item.kind);
  if (initialized.kind !== 'initialized')
    return stopped({ kind: 'outlet_failure', failure: initialized });
  // Recorded before the bytes go: whatever happens next, the URN is known.
  await recordOwned(input, item.position, {
    mediaId: item.mediaId,
    ownerUrn: session.authorUrn,
    assetUrn: initialized.urn,
    state: 'initialized',
    uploadedAt: null,
    availableAt: null,
  });
  const timeoutMs = input.deadline - Date.now() - UPLOAD_RESERVE_MS;
  if (timeoutMs <= 0) {
    throw ApplicationFailure.retryable(
      'attempt too close to its deadline to upload media',
      FailureType.Superseded,
    );
  }
  const put = await media.upload({
    uploadUrl: initialized.uploadUrl,
    data: stored.data,
    contentType: stored.type,
    timeoutMs,
  });
  if (put.kind !== 'uploaded') return stopped({ kind: 'outlet_failure', failure: put });
  const row = await recordOwned(input, item.position, {
    state: 'uploaded',
    uploadedAt: new Date(),
  });
  return { kind: 'uploaded', row };
}

/** Undefined once every asset is available (and recorded so); else the step to return. */
async function awaitAvailable(
  input: MediaStepInput,
  waiting: Item[],
  rows: Map<number, Row>,
): Promise<MediaStep | undefined> {
  const media = input.session.media as NonNullable<OutletSession['media']>;
  const urnOf = (item: Item) => rows.get(item.position)?.assetUrn ?? '';
  const stopPolling = Math.min(
    Date.now() + POLL_BUDGET_MS,
    input.deadline - input.createMarginMs - POLL_EVERY_MS,
  );
  for (;;) {
    const read = await media.status(waiting.map(urnOf));
    if (read.kind === 'cannot_read') return afterGrace(input, waiting, rows, read.message);
    if (read.kind !== 'read') return { kind: 'outlet_failure', failure: read };
    const failed = waiting.find((item) => read.statuses[urnOf(item)] === 'failed');
    if (failed) return { kind: 'failed', message: processingFailed(failed) };
    if (waiting.every((item) => read.statuses[urnOf(item)] === 'available')) {
      await markAvailable(input, waiting);
      return undefined;
    }
    if (Date.now() + POLL_EVERY_MS > stopPolling) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  const oldest = Math.min(
    ...waiting.map((item) => rows.get(item.position)?.uploadedAt?.getTime() ?? Date.now()),
  );
  if (Date.now() - oldest > MAX_PROCESSING_MS) {
    return {
      kind: 'failed',
      message: `LinkedIn has not finished processing ${waiting.map((i) => i.label).join(', ')} after ${MAX_PROCESSING_MS / 60_000} minutes; check the file and submit a new version`,
    };
  }
  return {
    kind: 'pending',
    retryAfterMs: PROCESSING_RECHECK_MS,
    message: `LinkedIn is still processing ${waiting.map((i) => i.label).join(', ')}`,
  };
}

/** The token may not read the status: usable once the grace after the last upload has passed. */
async function afterGrace(
  input: MediaStepInput,
  waiting: Item[],
  rows: Map<number, Row>,
  why: string,
): Promise<MediaStep | undefined> {
  const last = Math.max(
    ...waiting.map((item) => rows.get(item.position)?.uploadedAt?.getTime() ?? 0),
  );
  const remaining = last + input.graceMs - Date.now();
  if (remaining > 0) {
    return {
      kind: 'pending',
      retryAfterMs: remaining,
      message: `waiting ${Math.ceil(remaining / 1000)} s for LinkedIn to process the upload (${why})`,
    };
  }
  await markAvailable(input, waiting);
  return undefined;
}

async function markAvailable(input: MediaStepInput, items: Item[]): Promise<void> {
  const at = new Date();
  for (const item of items)
    await recordOwned(input, item.position, { state: 'available', availableAt: at });
}

/**
 * Writes a `publication_media` row only while this attempt still owns the publication (the
 * row is locked, so a newer claim waits or has already won): a stale attempt changes nothing.
 */
async function recordOwned(
  input: MediaStepInput,
  position: number,
  data: Partial<
    Pick<Row, 'mediaId' | 'ownerUrn' | 'assetUrn' | 'state' | 'uploadedAt' | 'availableAt'>
  >,
): Promise<Row> {
  return input.db.$transaction(async (tx) => {
    const owned = await tx.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM publications
      WHERE id = ${input.publicationId} AND attempt = ${input.fence} AND state = 'sending'
      FOR UPDATE`;
    if (owned.length === 0) {
      throw ApplicationFailure.nonRetryable(
        'a newer attempt owns this publication',
        FailureType.Superseded,
      );
    }
    const key = { publicationId_position: { publicationId: input.publicationId, position } };
    if (data.assetUrn !== undefined) {
      const full = data as Pick<
        Row,
        'mediaId' | 'ownerUrn' | 'assetUrn' | 'state' | 'uploadedAt' | 'availableAt'
      >;
      return tx.publicationMedia.upsert({
        where: key,
        create: { publicationId: input.publicationId, position, ...full },
        update: full,
      });
    }
    return tx.publicationMedia.update({ where: key, data });
  });
}

function itemsOf(media: PostMedia): Item[] {
  if (media.kind === 'document') {
    return [
      {
        position: 0,
        mediaId: media.id,
        kind: 'document',
        label: `the document "${media.title}"`,
        title: media.title,
      },
    ];
  }
  return media.images.map((image, index) => ({
    position: index,
    mediaId: image.id,
    kind: 'image',
    label: `image ${index + 1} ("${image.alt.length > 40 ? `${image.alt.slice(0, 39)}…` : image.alt}")`,
    alt: image.alt,
  }));
}

function attachmentsOf(media: PostMedia, items: Item[], rows: Map<number, Row>): Attachments {
  const urn = (item: Item) => rows.get(item.position)?.assetUrn ?? '';
  if (media.kind === 'document') {
    const [document] = items;
    return { kind: 'document', urn: document ? urn(document) : '', title: media.title };
  }
  return { kind: 'images', images: items.map((item) => ({ urn: urn(item), alt: item.alt ?? '' })) };
}

function processingFailed(item: Item): string {
  return `LinkedIn could not process ${item.label} (PROCESSING_FAILED): check that the file opens and is within LinkedIn's limits, then upload it again and submit a new version`;
}

function stopped(step: MediaStep): { kind: 'stopped'; step: MediaStep } {
  return { kind: 'stopped', step };
}
