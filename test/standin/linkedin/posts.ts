import {
  accessDenied,
  badRequest,
  commentaryTooLong,
  duplicatePost,
  notFound,
  restError,
  unprocessable,
} from './linkedin-errors';
import { cutAtUnescapedReserved, normalizeHashtags } from './little-text';
import { contentProblems } from './post-content';
import { isRecord, parsePostBody } from './post-body';
import { empty, json, type Reply } from './reply';
import type { StandInRequest } from './request';
import type { StandInState, TokenRecord } from './state';
import type { LedgerPost } from './types';

/** A `/rest` request that passed the auth, version and protocol checks. */
export interface RestContext {
  state: StandInState;
  token: TokenRecord;
  /** The version as LinkedIn names it in resource names, YYYYMMDD. */
  versionDay: string;
  request: StandInRequest;
}

const MAX_COMMENTARY = 3000;
const READ_SCOPES = ['r_member_social', 'r_organization_social'];

export function routePosts(context: RestContext): Reply {
  const { method, path } = context.request;
  if (path === '/rest/posts') {
    if (method === 'POST') return createPost(context);
    if (method === 'GET') return findByAuthor(context);
  } else if (path.startsWith('/rest/posts/')) {
    const urn = decodeSegment(path.slice('/rest/posts/'.length));
    if (urn === undefined) return badRequest('Malformed URN in the request path');
    if (method === 'GET') return getPost(context, urn);
    if (method === 'DELETE') return deletePost(context, urn);
  }
  return notFound(`No resource for ${method} ${path}`);
}

function createPost(context: RestContext): Reply {
  const { state, request, versionDay } = context;
  const body = parseJson(request.body);
  if (!isRecord(body)) return badRequest('The request body is not a JSON object');
  const parsed = parsePostBody(body);
  if (!parsed.ok) return unprocessable(parsed.problems);
  const { post } = parsed;
  if (!mayActAs(context, post.author, 'write')) {
    return accessDenied(`partnerApiPostsExternal.CREATE.${versionDay}`);
  }
  if (post.commentary.length > MAX_COMMENTARY) return commentaryTooLong(post.commentary);
  const mediaProblems = contentProblems(state, post.author, body.content);
  if (mediaProblems.length > 0) return unprocessable(mediaProblems);
  const normalized = normalizeHashtags(post.commentary);
  const commentary = state.settings.truncateOnUnescapedReserved
    ? cutAtUnescapedReserved(normalized)
    : normalized;
  const now = Date.now();
  const earlier = state.findDuplicate(post.author, commentary, now);
  if (earlier) return duplicatePost(earlier.urn);
  const recorded = state.recordPost({
    ...post,
    commentary,
    createdAt: now,
    ...(body.content === undefined ? {} : { content: body.content }),
  });
  return empty(201, { 'x-restli-id': recorded.urn });
}

function getPost(context: RestContext, urn: string): Reply {
  const { state, versionDay } = context;
  const post = state.findPost(urn);
  const allowed = post
    ? mayActAs(context, post.author, 'read')
    : READ_SCOPES.some((scope) => context.token.scopes.includes(scope));
  if (!allowed) return accessDenied(`partnerApiPostsExternal.GET.${versionDay}`);
  if (!post) return notFound();
  if (post.deleted) {
    return state.settings.deletedPostStatus === 410
      ? restError(410, { status: 410, message: 'Gone' })
      : notFound();
  }
  return json(200, toApiPost(post));
}

function findByAuthor(context: RestContext): Reply {
  const { state, request, versionDay } = context;
  const { query } = request;
  if (query.get('q') !== 'author') return badRequest('Unsupported finder: use q=author');
  const author = query.get('author');
  if (!author) return badRequest('The author parameter is required');
  if (!mayActAs(context, author, 'read')) {
    return accessDenied(`partnerApiPostsExternal.FINDER-author.${versionDay}`);
  }
  const count = Number(query.get('count') ?? '10');
  const start = Number(query.get('start') ?? '0');
  const sortBy = query.get('sortBy') ?? 'LAST_MODIFIED';
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    return badRequest('count must be between 1 and 100');
  }
  if (!Number.isInteger(start) || start < 0) return badRequest('start must be 0 or more');
  if (sortBy !== 'LAST_MODIFIED' && sortBy !== 'CREATED') {
    return badRequest('sortBy must be LAST_MODIFIED or CREATED');
  }
  // Posts are never edited here, so both orders are newest first.
  const posts = state.posts
    .filter((post) => post.author === author && !post.deleted)
    .sort((a, b) => b.createdAt - a.createdAt || b.urn.localeCompare(a.urn));
  return json(200, {
    paging: { start, count, links: [], total: posts.length },
    elements: posts.slice(start, start + count).map(toApiPost),
  });
}

function deletePost(context: RestContext, urn: string): Reply {
  const post = context.state.findPost(urn);
  if (!post) return notFound();
  if (!mayActAs(context, post.author, 'write')) {
    return accessDenied(`partnerApiPostsExternal.DELETE.${context.versionDay}`);
  }
  post.deleted = true;
  return empty(204);
}

/** Own person URN with the member scope, or an organization the member administers. */
export function mayActAs(context: RestContext, author: string, access: 'read' | 'write'): boolean {
  const { token, state } = context;
  const prefix = access === 'write' ? 'w' : 'r';
  const person = /^urn:li:person:(.+)$/.exec(author);
  if (person) return person[1] === token.sub && token.scopes.includes(`${prefix}_member_social`);
  const organization = /^urn:li:organization:(\d+)$/.exec(author);
  return (
    organization !== null &&
    token.scopes.includes(`${prefix}_organization_social`) &&
    state.isOrganizationAdmin(organization[1] ?? '', token.sub)
  );
}

function toApiPost(post: LedgerPost) {
  return {
    id: post.urn,
    author: post.author,
    commentary: post.commentary,
    visibility: post.visibility,
    distribution: {
      feedDistribution: post.feedDistribution,
      targetEntities: [],
      thirdPartyDistributionChannels: [],
    },
    lifecycleState: post.lifecycleState,
    isReshareDisabledByAuthor: post.isReshareDisabledByAuthor,
    createdAt: post.createdAt,
    publishedAt: post.createdAt,
    lastModifiedAt: post.createdAt,
    lifecycleStateInfo: { isEditedByAuthor: false },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
