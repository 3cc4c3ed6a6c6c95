export { createLinkedInClient, type LinkedInClient } from './client';
export type { LinkedInClientConfig } from './config';
export type { HttpResponse } from './http';
export {
  parseLinkedInError,
  parseRetryAfter,
  type LinkedInError,
  type UnauthorizedReason,
} from './errors';
export type { LinkedInFailure, UnknownReason } from './outcomes';
export {
  parseScopes,
  type LinkedInTokens,
  type OAuthError,
  type TokenResult,
  type UserinfoResult,
} from './oauth';
export {
  createOutcomeFromResponse,
  type CreatePostInput,
  type CreatePostOutcome,
  type DeletePostOutcome,
  type FindPostsOutcome,
  type GetPostOutcome,
  type LinkedInPost,
  type PostContent,
  type Visibility,
} from './posts';
export type {
  InitializeUploadOutcome,
  MediaKind,
  MediaStatus,
  MediaStatusOutcome,
  UploadOutcome,
} from './media';
export { MAX_SNIPPET_CHARS, sanitizeSnippet } from './sanitize';
export { personUrn, POST_URN_PATTERN, postUrl } from './urns';
