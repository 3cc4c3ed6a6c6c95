import { z } from 'zod';

export const ClientRegistrationSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.url()).min(1),
  /** Only MDP partners get refresh tokens; self-serve apps do not. */
  issueRefreshTokens: z.boolean().default(false),
  /** Scopes of the app's products; absent = any scope may be requested. */
  provisionedScopes: z.array(z.string()).optional(),
});
export type ClientRegistration = z.infer<typeof ClientRegistrationSchema>;

export const MemberSchema = z.object({
  sub: z.string().regex(/^[A-Za-z0-9_-]+$/),
  name: z.string().min(1),
  email: z.email().optional(),
  locale: z.object({ country: z.string(), language: z.string() }).optional(),
});
export type Member = z.infer<typeof MemberSchema>;

export const OrganizationSchema = z.object({
  id: z.string().regex(/^\d+$/),
  /** Members holding a posting role (ADMINISTRATOR, CONTENT_ADMIN, …). */
  admins: z.array(z.string()),
});
export type Organization = z.infer<typeof OrganizationSchema>;

export const AuthorizationOutcomeSchema = z.enum([
  'consent',
  'user_cancelled_login',
  'user_cancelled_authorize',
  'unauthorized_scope_error',
]);
export type AuthorizationOutcome = z.infer<typeof AuthorizationOutcomeSchema>;

export const IssueTokenSchema = z.object({
  /** Defaults to the current member. */
  sub: z.string().optional(),
  scopes: z.array(z.string()),
  expiresInSeconds: z.number().int().positive().optional(),
});
export type IssueTokenInput = z.input<typeof IssueTokenSchema>;

export interface IssuedToken {
  accessToken: string;
  sub: string;
  scopes: string[];
  expiresAt: number;
}

const faultTarget = {
  /** Which requests the fault applies to; defaults to `POST /rest/posts`. */
  method: z.string().default('POST'),
  /** A path prefix. */
  path: z.string().default('/rest/posts'),
  /** How many matching requests it applies to. */
  times: z.number().int().positive().default(1),
};
const serverErrorStatus = z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]);

export const FaultSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('server_error'),
    status: serverErrorStatus.default(500),
    ...faultTarget,
  }),
  z.object({
    type: z.literal('server_error_after_create'),
    status: serverErrorStatus.default(500),
    ...faultTarget,
  }),
  /** `retryAfter` is the raw header value (seconds or an HTTP-date); LinkedIn normally sends none. */
  z.object({ type: z.literal('rate_limited'), retryAfter: z.string().optional(), ...faultTarget }),
  /** Holds the request unanswered; with `ms`, the connection is then closed without an answer. */
  z.object({ type: z.literal('hang'), ms: z.number().int().positive().optional(), ...faultTarget }),
  z.object({ type: z.literal('reset_before_create'), ...faultTarget }),
  z.object({ type: z.literal('reset_after_create'), ...faultTarget }),
  /** Processes the request, sends headers after `headersAfterMs` and the body after `bodyAfterMs`. */
  z.object({
    type: z.literal('slow_drip'),
    headersAfterMs: z.number().int().nonnegative(),
    bodyAfterMs: z.number().int().nonnegative(),
    ...faultTarget,
  }),
  z.object({ type: z.literal('no_restli_id'), ...faultTarget }),
  /** An HTML page instead of LinkedIn's answer, optionally after creating the post. */
  z.object({
    type: z.literal('malformed'),
    status: z.number().int().min(200).max(599).default(200),
    create: z.boolean().default(false),
    body: z.string().optional(),
    ...faultTarget,
  }),
  z.object({ type: z.literal('expired_token'), ...faultTarget }),
  z.object({ type: z.literal('revoked_token'), ...faultTarget }),
  /** Pauses until released; `before_create` still creates on release even if the caller is gone. */
  z.object({
    type: z.literal('hold'),
    phase: z.enum(['before_create', 'after_create']),
    ...faultTarget,
  }),
]);
export type FaultSpec = z.input<typeof FaultSpecSchema>;
export type ParsedFaultSpec = z.infer<typeof FaultSpecSchema>;
export type FaultType = ParsedFaultSpec['type'];
export type Fault = ParsedFaultSpec & { id: string; remaining: number };

export interface HeldRequest {
  id: string;
  method: string;
  path: string;
  phase: 'before_create' | 'after_create';
  since: number;
}

/** How the next uploads process: PROCESSING for a while, then the outcome. */
export const MediaScriptSchema = z.object({
  /** Status reads answered PROCESSING before the outcome (a read-refusing token never advances it). */
  processingReads: z.number().int().nonnegative().default(1),
  /** …or this long after the upload, whichever comes first. */
  processingMs: z.number().int().nonnegative().default(1_000),
  outcome: z.enum(['AVAILABLE', 'PROCESSING_FAILED']).default('AVAILABLE'),
});
export type MediaScript = z.infer<typeof MediaScriptSchema>;

/** An image or document asset, as the tests inspect it (bytes by hash, never the bytes). */
export interface MediaAsset {
  urn: string;
  kind: 'image' | 'document';
  owner: string;
  /** The member whose token initialized it. */
  initializedBy: string;
  createdAt: number;
  uploadedAt: number | null;
  /** SHA-256 hex of the uploaded bytes, and their length. */
  sha256: string | null;
  bytes: number | null;
  status: 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';
}

/** One post LinkedIn accepted: the truth tests check "exactly once" against. */
export interface LedgerPost {
  urn: string;
  author: string;
  /** As stored: after hashtag normalisation and, in truncating mode, the silent cut. */
  commentary: string;
  visibility: string;
  lifecycleState: string;
  feedDistribution: string;
  isReshareDisabledByAuthor: boolean;
  createdAt: number;
  deleted: boolean;
  /** `content` as sent: `media` (an image or a document) or `multiImage`. */
  content?: unknown;
}

/** An API or OAuth request as it arrived (no headers, so no tokens). */
export interface RequestRecord {
  at: number;
  method: string;
  path: string;
  fault?: FaultType;
}

/** Driving the stand-in, in-process or over `/_standin/*` from another process. */
export interface StandInControl {
  ledger(): Promise<LedgerPost[]>;
  requests(): Promise<RequestRecord[]>;
  /** Forgets posts, tokens, codes, faults and request records, drops held requests (they never
   * commit); keeps clients, members, organizations and versions. */
  reset(): Promise<void>;
  registerClient(client: z.input<typeof ClientRegistrationSchema>): Promise<void>;
  addMember(member: Member): Promise<void>;
  setCurrentMember(sub: string): Promise<void>;
  setOrganization(organization: Organization): Promise<void>;
  /** Applies to the next authorization only. */
  setNextAuthorizationOutcome(outcome: AuthorizationOutcome): Promise<void>;
  issueToken(input: IssueTokenInput): Promise<IssuedToken>;
  /** Access or refresh token. */
  expireToken(token: string): Promise<void>;
  revokeToken(token: string): Promise<void>;
  setActiveVersions(versions: string[]): Promise<void>;
  /** How uploads from now on process; applies until changed. */
  setMediaScript(script: z.input<typeof MediaScriptSchema>): Promise<void>;
  /** Whether a token without a read scope may read image/document status (default true). */
  setMediaReadsWithoutReadScope(allowed: boolean): Promise<void>;
  /** Every image and document initialized, oldest first. */
  media(): Promise<MediaAsset[]>;
  injectFault(fault: FaultSpec): Promise<Fault>;
  faults(): Promise<Fault[]>;
  clearFaults(): Promise<void>;
  heldRequests(): Promise<HeldRequest[]>;
  waitForHeldRequest(timeoutMs?: number): Promise<HeldRequest>;
  /** Releases one held request, or all without an id; returns how many. */
  release(id?: string): Promise<number>;
}
