import { createHash } from 'node:crypto';
import { Agent, XRPCError } from '@atproto/api';
import { BLUESKY_LIMITS } from '../../contracts/bluesky';
import type { Issue } from '../../contracts/issues';
import type { RenderOutcome } from '../outlet-v2';
import { describeError, httpStatus } from './errors';
import { checkImages, type ImageInput, type PostImage } from './images';
import { resolveFacets, type Facet, type HandleResolver } from './mentions';
import { renderBlueskyText } from './text';

/** Everything a Bluesky post sends, images by content address. Stored with the approval. */
export interface BlueskyPayload {
  text: string;
  facets: Facet[];
  langs: string[];
  images: PostImage[];
}

export interface BlueskyInput {
  body: string;
  sanitize: boolean;
  /** The frontmatter `language` (BCP 47), sent as the post's `langs`. */
  language: string;
  images: ImageInput[];
}

/**
 * Renders, measures and checks one item for a Bluesky channel at validation time: text and
 * facets, mentions resolved to DIDs, images checked. Every issue is reported at once.
 */
export async function renderPost(
  input: BlueskyInput,
  resolveHandle: HandleResolver,
): Promise<RenderOutcome<BlueskyPayload>> {
  const text = renderBlueskyText(input.body, { sanitize: input.sanitize });
  const images = checkImages(input.images);
  const issues: Issue[] = [...(text.ok ? [] : text.issues), ...(images.ok ? [] : images.issues)];
  const facets = text.ok ? await resolveFacets(text.rendered.facets, resolveHandle) : undefined;
  if (facets && !facets.ok) issues.push(...facets.issues);
  if (!text.ok || !images.ok || !facets?.ok || issues.length > 0) return { ok: false, issues };

  const payload: BlueskyPayload = {
    text: text.rendered.text,
    facets: facets.facets,
    langs: input.language === '' ? [] : [input.language],
    images: images.images,
  };
  const contentHash = createHash('sha256').update(JSON.stringify(payload), 'utf8').digest('hex');
  return {
    ok: true,
    post: {
      text: payload.text,
      measures: [
        { unit: 'graphemes', value: text.rendered.graphemes, limit: BLUESKY_LIMITS.graphemes },
        { unit: 'utf8_bytes', value: text.rendered.bytes, limit: BLUESKY_LIMITS.bytes },
      ],
      contentHash,
      payload,
    },
  };
}

export /** Handles resolve at the channel's service; other failures throw (validation retries). */
function handleResolver(service: string, signal: () => AbortSignal): HandleResolver {
  const agent = new Agent({ service });
  return async (handle) => {
    try {
      const { data } = await agent.com.atproto.identity.resolveHandle(
        { handle },
        { signal: signal() },
      );
      return data.did;
    } catch (err) {
      // 400 (InvalidRequest, "Unable to resolve handle") is the answer for a handle nobody has.
      if (err instanceof XRPCError && httpStatus(err) === 400) return null;
      throw new Error(`could not resolve @${handle}: ${describeError(err)}`, { cause: err });
    }
  };
}
