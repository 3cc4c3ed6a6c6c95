import type { AppBskyRichtextFacet } from '@atproto/api';
import type { Issue } from '../../contracts/issues';
import type { DraftFacet } from './rich-text';

/** The DID a handle points at, or null when no account has it. Network trouble throws. */
export type HandleResolver = (handle: string) => Promise<string | null>;

export type Facet = AppBskyRichtextFacet.Main;

export type FacetsResult = { ok: true; facets: Facet[] } | { ok: false; issues: Issue[] };

/**
 * Turns draft facets into the lexicon's, resolving each mentioned handle once. A handle no
 * account has is an issue for the editor, found at validation rather than at publish time.
 */
export async function resolveFacets(
  drafts: readonly DraftFacet[],
  resolve: HandleResolver,
): Promise<FacetsResult> {
  const handles = [
    ...new Set(drafts.flatMap((d) => (d.feature.kind === 'mention' ? [d.feature.handle] : []))),
  ];
  const dids = new Map<string, string | null>();
  await Promise.all(handles.map(async (handle) => dids.set(handle, await resolve(handle))));

  const unresolved = handles.filter((handle) => dids.get(handle) === null);
  if (unresolved.length > 0) {
    return {
      ok: false,
      issues: unresolved.map((handle) => ({
        path: 'body',
        code: 'UNRESOLVED_MENTION',
        message: `@${handle} is not a Bluesky account (the handle does not resolve); check the spelling or write it without the @.`,
      })),
    };
  }
  return { ok: true, facets: drafts.map((draft) => toFacet(draft, dids)) };
}

function toFacet(draft: DraftFacet, dids: Map<string, string | null>): Facet {
  const index = { byteStart: draft.byteStart, byteEnd: draft.byteEnd };
  const { feature } = draft;
  switch (feature.kind) {
    case 'link':
      return { index, features: [{ $type: 'app.bsky.richtext.facet#link', uri: feature.uri }] };
    case 'tag':
      return { index, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: feature.tag }] };
    case 'mention':
      return {
        index,
        features: [
          { $type: 'app.bsky.richtext.facet#mention', did: dids.get(feature.handle) ?? '' },
        ],
      };
  }
}
