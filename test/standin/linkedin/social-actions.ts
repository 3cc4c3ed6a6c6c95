import { createHash } from 'node:crypto';
import { accessDenied, badRequest, notFound } from './linkedin-errors';
import { mayActAs, type RestContext } from './posts';
import { json, type Reply } from './reply';

/**
 * `GET /rest/socialActions/{urn}`: a post's reaction and comment summary. Needs the read scope of
 * the post's author (`r_member_social` / `r_organization_social`), like reading the post. The
 * stand-in has no audience, so the counts are derived from the URN and grow with the post's age:
 * stable for a test to compare with what was stored.
 */
export function routeSocialActions(context: RestContext): Reply {
  const { state, request, versionDay } = context;
  if (request.method !== 'GET')
    return notFound(`No resource for ${request.method} ${request.path}`);
  let urn: string;
  try {
    urn = decodeURIComponent(request.path.slice('/rest/socialActions/'.length));
  } catch {
    return badRequest('Malformed URN in the request path');
  }
  const post = state.findPost(urn);
  if (!post || post.deleted) return notFound(`Post ${urn} not found`);
  if (!mayActAs(context, post.author, 'read'))
    return accessDenied(`socialActions.GET.${versionDay}`);
  const { likes, comments } = engagementFor(urn, Date.now() - post.createdAt);
  return json(200, {
    target: urn,
    likesSummary: { totalLikes: likes, likedByCurrentUser: false },
    commentsSummary: { aggregatedTotalComments: comments, totalFirstLevelComments: comments },
  });
}

export function engagementFor(urn: string, ageMs: number): { likes: number; comments: number } {
  const seed = createHash('sha256').update(urn).digest().readUInt16BE(0);
  const minutes = Math.floor(ageMs / 60_000);
  return { likes: (seed % 40) + minutes, comments: seed % 7 };
}
