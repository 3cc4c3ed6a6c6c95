import type { z } from 'zod';
import {
  decodeContentCursor,
  encodeContentCursor,
  type AuditPageSchema,
  type ContentListSchema,
  type LinkedInStatusSchema,
  type PreviewMediaSchema,
  type PreviewSchema,
  type SourceSchema,
} from '../contracts/api';
import { storedTargets } from '../contracts/channels';
import { OUTLET_LIMITS, type Outlet, type RenderedContent } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import type { MediaView, PostMedia } from '../contracts/media';
import { findMediaMany } from '../media/store';
import type { PublishStatus } from '../contracts/workflow';
import { prepareContent } from '../content';
import { rowDigest } from '../platform/audit-digest';
import { channelView } from './channels';
import type { PublishingDeps } from './deps';
import { notFound } from './errors';
import { toAppError } from './temporal-errors';

/** Newest first; the cursor is the last row's (created_at, id, version), so pages never overlap. */
export async function listContent(
  deps: PublishingDeps,
  query: { status?: PublishStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<z.infer<typeof ContentListSchema>> {
  // The route's schema (ContentCursorSchema) has already refused a cursor of any other shape.
  const after = query.cursor ? decodeContentCursor(query.cursor) : null;
  try {
    const rows = await deps.db.content.findMany({
      where: {
        ...(query.status ? { status: query.status } : {}),
        ...(after
          ? {
              OR: [
                { createdAt: { lt: after.createdAt } },
                { createdAt: after.createdAt, contentId: { gt: after.id } },
                { createdAt: after.createdAt, contentId: after.id, version: { lt: after.version } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { contentId: 'asc' }, { version: 'desc' }],
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        id: r.contentId,
        version: r.version,
        status: r.status as PublishStatus,
        title: r.title,
        language: r.language,
        outlets: r.outlets,
        scheduledAt: r.scheduledAt?.toISOString() ?? null,
        submittedBy: r.submittedBy,
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor:
        rows.length > query.limit && last
          ? encodeContentCursor({
              createdAt: last.createdAt,
              version: last.version,
              id: last.contentId,
            })
          : null,
    };
  } catch (err) {
    return toAppError(err);
  }
}

export async function previewContent(
  deps: PublishingDeps,
  id: string,
  version?: number,
): Promise<z.infer<typeof PreviewSchema>> {
  try {
    const row = await deps.db.content.findFirst({
      where: { contentId: id, ...(version !== undefined ? { version } : {}) },
      orderBy: { version: 'desc' },
      select: {
        contentId: true,
        version: true,
        contentHash: true,
        rendered: true,
        sanitize: true,
        markdown: true,
        targets: true,
      },
    });
    if (!row) throw notFound(`content ${id}`);
    const rendered = row.rendered as Record<string, RenderedContent>;
    const media = await findMediaMany(
      deps.db,
      Object.values(rendered).flatMap((r) =>
        !r.media ? [] : r.media.kind === 'images' ? r.media.images.map((i) => i.id) : [r.media.id],
      ),
    );
    return {
      id: row.contentId,
      version: row.version,
      contentHash: row.contentHash,
      outlets: previewTargets(row.targets, rendered).map(({ outlet, channel, text, r }) => ({
        outlet,
        channel,
        text,
        length: r.length,
        limit: OUTLET_LIMITS[outlet as Outlet] ?? OUTLET_LIMITS.linkedin,
        ...(r.media ? { media: previewMedia(r.media, media) } : {}),
      })),
      warnings: contentWarnings(row),
    };
  } catch (err) {
    return toAppError(err);
  }
}

/**
 * One preview per channel: LinkedIn channels share the outlet's text; a Bluesky channel shows
 * the payload rendered for it. Items from before channels: one per outlet.
 */
function previewTargets(targets: unknown, rendered: Record<string, RenderedContent>) {
  const stored = storedTargets(targets);
  if (!stored) {
    return Object.entries(rendered).map(([outlet, r]) => ({
      outlet,
      channel: null,
      text: r.text,
      r,
    }));
  }
  return stored.flatMap((t) => {
    const r = rendered[t.outlet];
    if (!r) return [];
    const payload = t.payload as { text?: unknown } | undefined;
    const text = typeof payload?.text === 'string' ? payload.text : r.text;
    return [{ outlet: t.outlet, channel: t.key, text, r }];
  });
}

/** Only a body posted as written (`sanitize: false`) can carry warnings; stored items are valid. */
function contentWarnings(row: { sanitize: boolean; markdown: string }): Issue[] {
  if (row.sanitize) return [];
  const prepared = prepareContent(row.markdown);
  return prepared.ok ? prepared.warnings : [];
}

function previewMedia(
  media: PostMedia,
  stored: Map<string, MediaView>,
): z.infer<typeof PreviewMediaSchema> {
  const url = (id: string) => `/v1/media/${encodeURIComponent(id)}/content`;
  if (media.kind === 'document') {
    const facts = stored.get(media.id);
    return {
      kind: 'document',
      id: media.id,
      title: media.title,
      pages: facts?.pages ?? null,
      bytes: facts?.bytes ?? null,
      url: url(media.id),
    };
  }
  return {
    kind: 'images',
    images: media.images.map((image) => {
      const facts = stored.get(image.id);
      return {
        id: image.id,
        alt: image.alt,
        type: facts?.type ?? null,
        width: facts?.width ?? null,
        height: facts?.height ?? null,
        url: url(image.id),
      };
    }),
  };
}

/** The Markdown as submitted (the review page diffs it against the previous version). */
export async function contentSource(
  deps: PublishingDeps,
  id: string,
  version?: number,
): Promise<z.infer<typeof SourceSchema>> {
  try {
    const row = await deps.db.content.findFirst({
      where: { contentId: id, ...(version !== undefined ? { version } : {}) },
      orderBy: { version: 'desc' },
      select: { contentId: true, version: true, markdown: true },
    });
    if (!row) throw notFound(`content ${id}`);
    return { id: row.contentId, version: row.version, markdown: row.markdown };
  } catch (err) {
    return toAppError(err);
  }
}

/** Whether a LinkedIn account is connected and usable; never any token data. */
/**
 * LinkedIn as a whole, for the review page's banner: not connected without an enabled LinkedIn
 * channel, reauth_required when any enabled one waits for a reconnect (GET /v1/channels says which).
 */
export async function linkedInStatus(
  deps: PublishingDeps,
): Promise<z.infer<typeof LinkedInStatusSchema>> {
  try {
    const channels = await deps.db.channel.findMany({
      where: { outlet: 'linkedin', disabledAt: null },
      include: { linkedinToken: true },
      orderBy: [{ isDefault: 'desc' }, { name: 'asc' }],
    });
    const views = channels.map((c) => channelView(c, c.linkedinToken));
    const view = views.find((v) => v.status !== 'active') ?? views[0];
    if (!view) return { connected: false, status: 'not_connected', accessExpiresAt: null };
    return { connected: true, status: view.status, accessExpiresAt: view.accessExpiresAt };
  } catch (err) {
    return toAppError(err);
  }
}

export async function listAudit(
  deps: PublishingDeps,
  query: { subject: string; limit: number; cursor?: string | undefined },
): Promise<z.infer<typeof AuditPageSchema>> {
  try {
    const rows = await deps.db.audit.findMany({
      where: {
        subject: query.subject,
        ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => ({
        id: r.id.toString(),
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action,
        subject: r.subject,
        workflowId: r.workflowId,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        reason: r.reason,
        details: r.details ?? null,
        // The digest its seal covers (the pre-0004 chain hash stays in the database).
        hash: rowDigest(r).toString('hex'),
      })),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id.toString() ?? null) : null,
    };
  } catch (err) {
    return toAppError(err);
  }
}
