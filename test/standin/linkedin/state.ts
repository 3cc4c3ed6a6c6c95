import { opaqueToken, shareUrnSequence } from './ids';
import type { TokenProblem } from './linkedin-errors';
import type {
  AuthorizationOutcome,
  ClientRegistration,
  LedgerPost,
  MediaAsset,
  MediaScript,
  Member,
  RequestRecord,
} from './types';

export interface StandInSettings {
  activeVersions: string[];
  duplicateWindowMs: number;
  truncateOnUnescapedReserved: boolean;
  requireProtocolHeader: boolean;
  deletedPostStatus: 404 | 410;
  authorizationCodeTtlMs: number;
  mediaScript: MediaScript;
  mediaReadsWithoutReadScope: boolean;
}

/** An asset with what the stand-in needs to answer for it. */
export interface StoredAsset extends Omit<MediaAsset, 'status'> {
  uploadToken: string;
  script: MediaScript;
  reads: number;
}

export interface TokenRecord {
  token: string;
  sub: string;
  scopes: string[];
  clientId?: string;
  expiresAt: number;
  revoked: boolean;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  sub: string;
  scopes: string[];
  expiresAt: number;
}

/** LinkedIn's real lifetimes: 60 days and 365 days, minus the second it reports less. */
export const ACCESS_TOKEN_SECONDS = 5_183_999;
export const REFRESH_TOKEN_SECONDS = 31_535_999;

/** Everything LinkedIn would remember, in memory. */
export class StandInState {
  readonly clients = new Map<string, ClientRegistration>();
  readonly members = new Map<string, Member>();
  readonly organizations = new Map<string, Set<string>>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Map<string, TokenRecord>();
  /** Scopes each member granted each client, to notice a re-consent. */
  readonly #grants = new Map<string, string>();
  readonly #nextShareUrn = shareUrnSequence();
  posts: LedgerPost[] = [];
  requests: RequestRecord[] = [];
  nextAuthorization: AuthorizationOutcome = 'consent';
  activeVersions: Set<string>;
  currentMember: string;
  readonly assets = new Map<string, StoredAsset>();
  mediaScript: MediaScript;
  mediaReadsWithoutReadScope: boolean;

  constructor(
    readonly settings: StandInSettings,
    client: ClientRegistration,
    member: Member,
  ) {
    this.clients.set(client.clientId, client);
    this.members.set(member.sub, member);
    this.currentMember = member.sub;
    this.activeVersions = new Set(settings.activeVersions);
    this.mediaScript = settings.mediaScript;
    this.mediaReadsWithoutReadScope = settings.mediaReadsWithoutReadScope;
  }

  /** An asset as tests see it: no upload token, the status as a create would see it. */
  describeAsset(asset: StoredAsset): MediaAsset {
    return {
      urn: asset.urn,
      kind: asset.kind,
      owner: asset.owner,
      initializedBy: asset.initializedBy,
      createdAt: asset.createdAt,
      uploadedAt: asset.uploadedAt,
      sha256: asset.sha256,
      bytes: asset.bytes,
      status: this.assetStatus(asset, false),
    };
  }

  /**
   * WAITING_UPLOAD until the bytes arrive, then PROCESSING for the script's reads or time, then
   * its outcome. `read` counts a status read (a create's check does not).
   */
  assetStatus(asset: StoredAsset, read: boolean): MediaAsset['status'] {
    if (asset.uploadedAt === null) return 'WAITING_UPLOAD';
    const done =
      asset.reads >= asset.script.processingReads ||
      Date.now() - asset.uploadedAt >= asset.script.processingMs;
    if (read && !done) asset.reads++;
    return done ? asset.script.outcome : 'PROCESSING';
  }

  takeNextAuthorization(): AuthorizationOutcome {
    const outcome = this.nextAuthorization;
    this.nextAuthorization = 'consent';
    return outcome;
  }

  /** Consent is all-or-nothing: a different scope set kills the tokens of the earlier grant. */
  recordConsent(clientId: string, sub: string, scopes: string[]): void {
    const key = `${clientId}\n${sub}`;
    const granted = [...new Set(scopes)].sort().join(' ');
    const earlier = this.#grants.get(key);
    if (earlier !== undefined && earlier !== granted) {
      for (const record of [...this.accessTokens.values(), ...this.refreshTokens.values()]) {
        if (record.clientId === clientId && record.sub === sub) record.revoked = true;
      }
    }
    this.#grants.set(key, granted);
  }

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = opaqueToken(110);
    this.codes.set(value, {
      ...code,
      expiresAt: Date.now() + this.settings.authorizationCodeTtlMs,
    });
    return value;
  }

  issueAccessToken(grant: Omit<TokenRecord, 'token' | 'expiresAt' | 'revoked'>, seconds: number) {
    return this.#issue(this.accessTokens, opaqueToken(372), grant, seconds);
  }

  issueRefreshToken(grant: Omit<TokenRecord, 'token' | 'expiresAt' | 'revoked'>) {
    return this.#issue(this.refreshTokens, opaqueToken(256), grant, REFRESH_TOKEN_SECONDS);
  }

  checkAccessToken(token: string | undefined): TokenRecord | TokenProblem {
    if (!token) return 'missing';
    const record = this.accessTokens.get(token);
    if (!record) return 'invalid';
    if (record.revoked) return 'revoked';
    return record.expiresAt <= Date.now() ? 'expired' : record;
  }

  findAnyToken(token: string): TokenRecord | undefined {
    return this.accessTokens.get(token) ?? this.refreshTokens.get(token);
  }

  isOrganizationAdmin(organizationId: string, sub: string): boolean {
    return this.organizations.get(organizationId)?.has(sub) ?? false;
  }

  findPost(urn: string): LedgerPost | undefined {
    return this.posts.find((post) => post.urn === urn);
  }

  /** Deleted posts count too: LinkedIn's duplicate check can name a ghost. */
  findDuplicate(author: string, commentary: string, now: number): LedgerPost | undefined {
    const text = normalizeForDuplicates(commentary);
    return this.posts.findLast(
      (post) =>
        post.author === author &&
        now - post.createdAt < this.settings.duplicateWindowMs &&
        normalizeForDuplicates(post.commentary) === text,
    );
  }

  recordPost(post: Omit<LedgerPost, 'urn' | 'deleted'>): LedgerPost {
    const recorded = { ...post, urn: this.#nextShareUrn(), deleted: false };
    this.posts.push(recorded);
    return recorded;
  }

  reset(): void {
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.#grants.clear();
    this.posts = [];
    this.requests = [];
    this.assets.clear();
    this.nextAuthorization = 'consent';
  }

  #issue(
    store: Map<string, TokenRecord>,
    token: string,
    grant: Omit<TokenRecord, 'token' | 'expiresAt' | 'revoked'>,
    seconds: number,
  ): TokenRecord {
    const record = { ...grant, token, expiresAt: Date.now() + seconds * 1000, revoked: false };
    store.set(token, record);
    return record;
  }
}

/** The "same content" rule is UNCONFIRMED; whitespace-insensitive is the cautious guess. */
function normalizeForDuplicates(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ');
}
