import { z } from 'zod';
import type { LinkedInClientConfig } from './config';
import { duplicateOf, isCommentaryTooLong, parseJsonObject, parseLinkedInError } from './errors';
import { sendRequest, type HttpResponse } from './http';
import {
  failureFromResponse,
  failureFromResult,
  unknownOutcome,
  type LinkedInFailure,
} from './outcomes';
import { sanitizeSnippet } from './sanitize';
import { POST_URN_PATTERN } from './urns';

export type Visibility = 'PUBLIC' | 'CONNECTIONS' | 'LOGGED_IN' | 'CONTAINER';

export interface CreatePostInput {
  accessToken: string;
  /** `urn:li:person:{sub}` or `urn:li:organization:{id}`. */
  author: string;
  /** Already encoded as LinkedIn "little" text. */
  commentary: string;
  visibility?: Visibility;
  /** Images or a document, by their URNs (uploaded under `author`). */
  content?: PostContent;
}

/** `content` of a post (LINKEDIN.md §6): one image or a document, or 2–20 images. */
export type PostContent =
  | { media: { id: string; altText: string } }
  | { media: { id: string; title: string } }
  | { multiImage: { images: { id: string; altText: string }[] } };

/** What a create did. `unknown` means the post may or may not exist: resolve, never blind-retry. */
export type CreatePostOutcome =
  | { kind: 'created'; urn: string }
  | { kind: 'created_unnamed' }
  | { kind: 'duplicate'; urn: string }
  | { kind: 'too_long'; message: string }
  | LinkedInFailure;

export interface LinkedInPost {
  id: string;
  author: string;
  commentary: string;
  createdAt?: number;
}

export type GetPostOutcome =
  { kind: 'found'; post: LinkedInPost } | { kind: 'not_found' } | LinkedInFailure;

export type FindPostsOutcome = { kind: 'found'; posts: LinkedInPost[] } | LinkedInFailure;

export type DeletePostOutcome = { kind: 'deleted' } | { kind: 'not_found' } | LinkedInFailure;

const PostSchema = z.object({
  id: z.string(),
  author: z.string(),
  commentary: z.string().default(''),
  createdAt: z.number().optional(),
});
const PostListSchema = z.object({ elements: z.array(PostSchema) });

export async function createPost(
  config: LinkedInClientConfig,
  input: CreatePostInput,
): Promise<CreatePostOutcome> {
  const result = await sendRequest({
    url: `${config.apiBase}/rest/posts`,
    method: 'POST',
    headers: { ...restHeaders(config, input.accessToken), 'Content-Type': 'application/json' },
    body: JSON.stringify({
      author: input.author,
      commentary: input.commentary,
      visibility: input.visibility ?? 'PUBLIC',
      distribution: {
        feedDistribution: 'MAIN_FEED',
        targetEntities: [],
        thirdPartyDistributionChannels: [],
      },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
      ...(input.content ? { content: input.content } : {}),
    }),
    timeoutMs: config.requestTimeoutMs,
  });
  return result.ok ? createOutcomeFromResponse(result.response) : failureFromResult(result);
}

/** Pure classification of a `POST /rest/posts` answer. */
export function createOutcomeFromResponse(response: HttpResponse): CreatePostOutcome {
  const { status, headers, body } = response;
  if (status === 201) {
    const urn = headers.get('x-restli-id')?.trim();
    if (urn && POST_URN_PATTERN.test(urn)) return { kind: 'created', urn };
    // A 201 dressed in an HTML page is not LinkedIn speaking; trust neither status nor body.
    const isLinkedInBody = body.trim() === '' || parseJsonObject(body) !== undefined;
    return isLinkedInBody ? { kind: 'created_unnamed' } : unknownOutcome('malformed', response);
  }
  const error = status === 400 || status === 422 ? parseLinkedInError(status, body) : undefined;
  if (error && status === 422) {
    const urn = duplicateOf(error);
    if (urn) return { kind: 'duplicate', urn };
  }
  if (error && status === 400 && isCommentaryTooLong(error)) {
    return { kind: 'too_long', message: sanitizeSnippet(error.message) };
  }
  return failureFromResponse(response);
}

export async function getPost(
  config: LinkedInClientConfig,
  input: { accessToken: string; urn: string },
): Promise<GetPostOutcome> {
  const result = await sendRequest({
    url: `${config.apiBase}/rest/posts/${encodeURIComponent(input.urn)}?viewContext=AUTHOR`,
    method: 'GET',
    headers: restHeaders(config, input.accessToken),
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) return failureFromResult(result);
  const { response } = result;
  if (isNotFound(response)) return { kind: 'not_found' };
  if (response.status !== 200) return failureFromResponse(response);
  const post = PostSchema.safeParse(parseJsonObject(response.body));
  return post.success ? { kind: 'found', post: post.data } : unknownOutcome('malformed', response);
}

export async function findPostsByAuthor(
  config: LinkedInClientConfig,
  input: { accessToken: string; author: string; count: number },
): Promise<FindPostsOutcome> {
  const query = `author=${encodeURIComponent(input.author)}&q=author&count=${input.count}&start=0&sortBy=LAST_MODIFIED`;
  const result = await sendRequest({
    url: `${config.apiBase}/rest/posts?${query}`,
    method: 'GET',
    headers: restHeaders(config, input.accessToken),
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) return failureFromResult(result);
  const { response } = result;
  if (response.status !== 200) return failureFromResponse(response);
  const list = PostListSchema.safeParse(parseJsonObject(response.body));
  return list.success
    ? { kind: 'found', posts: list.data.elements }
    : unknownOutcome('malformed', response);
}

export async function deletePost(
  config: LinkedInClientConfig,
  input: { accessToken: string; urn: string },
): Promise<DeletePostOutcome> {
  const result = await sendRequest({
    url: `${config.apiBase}/rest/posts/${encodeURIComponent(input.urn)}`,
    method: 'DELETE',
    headers: restHeaders(config, input.accessToken),
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) return failureFromResult(result);
  if (result.response.status === 204) return { kind: 'deleted' };
  return isNotFound(result.response) ? { kind: 'not_found' } : failureFromResponse(result.response);
}

export function restHeaders(
  config: LinkedInClientConfig,
  accessToken: string,
): Record<string, string> {
  return {
    Authorization: `Bearer ${accessToken}`,
    'LinkedIn-Version': config.version,
    'X-Restli-Protocol-Version': '2.0.0',
  };
}

/** 404, or 410 for deleted posts; an HTML 404 from something in between proves nothing. */
export function isNotFound(response: HttpResponse): boolean {
  if (response.status !== 404 && response.status !== 410) return false;
  return (
    response.body.trim() === '' || parseLinkedInError(response.status, response.body) !== undefined
  );
}
