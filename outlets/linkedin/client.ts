import { parseClientConfig, type LinkedInClientConfig } from './config';
import {
  authorizationUrl,
  exchangeCode,
  refresh,
  userinfo,
  type TokenResult,
  type UserinfoResult,
} from './oauth';
import {
  createPost,
  deletePost,
  findPostsByAuthor,
  getPost,
  type CreatePostInput,
  type CreatePostOutcome,
  type DeletePostOutcome,
  type FindPostsOutcome,
  type GetPostOutcome,
} from './posts';
import {
  getMediaStatus,
  initializeUpload,
  uploadBytes,
  type InitializeUploadOutcome,
  type MediaKind,
  type MediaStatusOutcome,
  type UploadOutcome,
} from './media';
import { getSocialActions, type SocialActionsOutcome } from './social-actions';

/** LinkedIn OAuth and Posts API. HTTP-level outcomes are returned as values, never thrown. */
export interface LinkedInClient {
  authorizationUrl(input: { state: string; scopes: string[] }): string;
  exchangeCode(code: string): Promise<TokenResult>;
  refresh(refreshToken: string): Promise<TokenResult>;
  userinfo(accessToken: string): Promise<UserinfoResult>;
  createPost(input: CreatePostInput): Promise<CreatePostOutcome>;
  getPost(input: { accessToken: string; urn: string }): Promise<GetPostOutcome>;
  findPostsByAuthor(input: {
    accessToken: string;
    author: string;
    count: number;
  }): Promise<FindPostsOutcome>;
  deletePost(input: { accessToken: string; urn: string }): Promise<DeletePostOutcome>;
  getSocialActions(input: { accessToken: string; urn: string }): Promise<SocialActionsOutcome>;
  initializeUpload(input: {
    accessToken: string;
    kind: MediaKind;
    owner: string;
  }): Promise<InitializeUploadOutcome>;
  uploadBytes(input: {
    accessToken: string;
    uploadUrl: string;
    data: Uint8Array<ArrayBuffer>;
    contentType: string;
    timeoutMs: number;
  }): Promise<UploadOutcome>;
  getMediaStatus(input: { accessToken: string; urns: string[] }): Promise<MediaStatusOutcome>;
}

/** Throws only on an invalid configuration. */
export function createLinkedInClient(config: LinkedInClientConfig): LinkedInClient {
  const settings = parseClientConfig(config);
  return {
    authorizationUrl: (input) => authorizationUrl(settings, input),
    exchangeCode: (code) => exchangeCode(settings, code),
    refresh: (refreshToken) => refresh(settings, refreshToken),
    userinfo: (accessToken) => userinfo(settings, accessToken),
    createPost: (input) => createPost(settings, input),
    getPost: (input) => getPost(settings, input),
    findPostsByAuthor: (input) => findPostsByAuthor(settings, input),
    deletePost: (input) => deletePost(settings, input),
    getSocialActions: (input) => getSocialActions(settings, input),
    initializeUpload: (input) => initializeUpload(settings, input),
    uploadBytes: (input) => uploadBytes(settings, input),
    getMediaStatus: (input) => getMediaStatus(settings, input),
  };
}
