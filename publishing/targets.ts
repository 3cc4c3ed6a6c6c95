// The channels an item publishes on, resolved at submission, and what each one sends: LinkedIn
// channels share the item's rendered text; a Bluesky channel gets its own payload, mentions
// resolved to DIDs at its service and images read from the media store, so publishing sends
// exactly what was previewed and approved.
import type { RenderedContent } from '../contracts/content';
import type { Issue } from '../contracts/issues';
import type { StoredTarget, Target } from '../contracts/channels';
import { resolveTargets } from '../channels/targets';
import { getChannel } from '../channels/store';
import { readMediaBytes } from '../media/store';
import { handleResolver, renderPost, type BlueskyPayload } from '../outlets/bluesky/render';
import type { ImageInput } from '../outlets/bluesky/images';
import type { Db } from '../platform/db/client';
import { AppError, ErrorCode } from './errors';

// Mentions are resolved while the submitter waits: a slow Bluesky server answers 502, not a hang.
const RESOLVE_TIMEOUT_MS = 10_000;

export type TargetsOutcome =
  | { ok: true; targets: StoredTarget[]; hashes: Record<string, string> }
  | { ok: false; issues: Issue[] };

/**
 * Resolves `outlets:` to channels and renders each Bluesky channel's payload. `hashes` holds
 * what the item's approval hash is made of: one entry per outlet text (LinkedIn) and one per
 * Bluesky channel (its payload).
 */
export async function prepareTargets(
  db: Db,
  entries: readonly string[],
  rendered: Partial<Record<string, RenderedContent>>,
  input: { body: string; sanitize: boolean; language: string },
): Promise<TargetsOutcome> {
  // LinkedIn items have always been accepted before an account is connected (they wait for it);
  // a Bluesky payload needs its channel's server to resolve mentions, so Bluesky needs one.
  const resolved = await resolveTargets(db, [...entries], { pendingOutlets: ['linkedin'] });
  if (!resolved.ok) return resolved;
  const targets: StoredTarget[] = [];
  const hashes: Record<string, string> = {};
  const issues: Issue[] = [];
  for (const target of resolved.targets) {
    if (target.outlet !== 'bluesky') {
      targets.push(target);
      const text = rendered[target.outlet];
      if (text) hashes[target.outlet] = text.contentHash;
      continue;
    }
    const post = await renderForChannel(db, target, rendered.bluesky, input);
    if (!post.ok) {
      issues.push(...post.issues.map((i) => ({ ...i, message: `${target.key}: ${i.message}` })));
      continue;
    }
    targets.push({ ...target, payload: post.payload, contentHash: post.contentHash });
    hashes[target.key] = post.contentHash;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, targets, hashes };
}

async function renderForChannel(
  db: Db,
  target: Target,
  text: RenderedContent | undefined,
  input: { body: string; sanitize: boolean; language: string },
): Promise<
  { ok: true; payload: BlueskyPayload; contentHash: string } | { ok: false; issues: Issue[] }
> {
  const channel = target.channelId === null ? null : await getChannel(db, target.channelId);
  if (!channel?.service) {
    return {
      ok: false,
      issues: [{ path: 'outlets', code: 'UNKNOWN_CHANNEL', message: 'the channel is gone' }],
    };
  }
  const images: ImageInput[] = [];
  for (const image of text?.media?.kind === 'images' ? text.media.images : []) {
    const stored = await readMediaBytes(db, image.id);
    // A missing image is reported by checkMediaReferences, which runs first.
    if (stored)
      images.push({
        mime: stored.type,
        size: stored.data.length,
        bytes: stored.data,
        alt: image.alt,
      });
  }
  const signal = () => AbortSignal.timeout(RESOLVE_TIMEOUT_MS);
  try {
    const post = await renderPost({ ...input, images }, handleResolver(channel.service, signal));
    if (!post.ok) return post;
    return { ok: true, payload: post.post.payload, contentHash: post.post.contentHash };
  } catch (err) {
    throw new AppError(
      ErrorCode.OutletUnavailable,
      `Bluesky (${channel.service}) could not resolve the post's mentions: ${err instanceof Error ? err.message : String(err)}`.slice(
        0,
        500,
      ),
    );
  }
}
