import { createHash, randomBytes } from 'node:crypto';
import { opaqueToken } from './ids';
import { accessDenied, badRequest, notFound, tokenError, unprocessable } from './linkedin-errors';
import { isRecord } from './post-body';
import { mayActAs, type RestContext } from './posts';
import { empty, json, type Reply } from './reply';
import { bearerToken, type StandInRequest } from './request';
import type { StandInState, StoredAsset } from './state';

// The Images and Documents APIs (LINKEDIN.md §6): initialize an upload under an owner, PUT the
// bytes to the returned URL, read the status (scripted PROCESSING → AVAILABLE or
// PROCESSING_FAILED), one or a batch at a time. Post creates check the assets they reference.

type Kind = 'image' | 'document';
const KINDS: Record<string, Kind> = { '/rest/images': 'image', '/rest/documents': 'document' };
const READ_SCOPES = ['r_member_social', 'r_organization_social'];
export const UPLOAD_PATH = '/dms-uploads/';
const OWNER_URN = /^urn:li:(?:person:[A-Za-z0-9_-]+|organization:\d+)$/;

/** `/rest/images…` and `/rest/documents…`; undefined for any other path. */
export function routeMedia(context: RestContext): Reply | undefined {
  const { method, path, query } = context.request;
  const base = Object.keys(KINDS).find(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`),
  );
  if (!base) return undefined;
  const kind = KINDS[base] as Kind;
  if (path === base && method === 'POST' && query.get('action') === 'initializeUpload') {
    return initializeUpload(context, kind);
  }
  if (path === base && method === 'GET' && query.has('ids')) return batchGet(context, kind);
  if (path.startsWith(`${base}/`) && method === 'GET') {
    const urn = decode(path.slice(base.length + 1));
    return urn === undefined
      ? badRequest('Malformed URN in the request path')
      : getOne(context, kind, urn);
  }
  return notFound(`No resource for ${method} ${path}`);
}

function initializeUpload(context: RestContext, kind: Kind): Reply {
  const { state, request, token, versionDay } = context;
  const body = parseJson(request.body);
  const owner =
    isRecord(body) && isRecord(body.initializeUploadRequest)
      ? body.initializeUploadRequest.owner
      : undefined;
  if (typeof owner !== 'string' || !OWNER_URN.test(owner)) {
    return unprocessable([
      'ERROR :: /initializeUploadRequest/owner :: field is required and must be a person or organization URN',
    ]);
  }
  if (!mayActAs(context, owner, 'write')) {
    return accessDenied(`${kind}s.ACTION-initializeUpload.${versionDay}`);
  }
  const id = `${kind === 'image' ? 'C4E' : 'D4D'}10AQ${randomBytes(12).toString('base64url')}`;
  const urn = `urn:li:${kind}:${id}`;
  const asset: StoredAsset = {
    urn,
    kind,
    owner,
    initializedBy: token.sub,
    createdAt: Date.now(),
    uploadedAt: null,
    sha256: null,
    bytes: null,
    uploadToken: opaqueToken(24),
    script: { ...state.mediaScript },
    reads: 0,
  };
  state.assets.set(urn, asset);
  const origin = `http://${String(request.headers.host ?? '127.0.0.1')}`;
  return json(200, {
    value: {
      uploadUrlExpiresAt: Date.now() + 24 * 3_600_000,
      uploadUrl: `${origin}${UPLOAD_PATH}${kind}/${encodeURIComponent(id)}?ut=${asset.uploadToken}`,
      [kind]: urn,
    },
  });
}

function getOne(context: RestContext, kind: Kind, urn: string): Reply {
  const refused = readRefused(context, kind);
  if (refused) return refused;
  const asset = context.state.assets.get(urn);
  if (!asset || asset.kind !== kind || !mayRead(context, asset))
    return notFound(`${urn} not found`);
  return json(200, view(context.state, asset));
}

function batchGet(context: RestContext, kind: Kind): Reply {
  const refused = readRefused(context, kind);
  if (refused) return refused;
  // ids=List(urn%3Ali%3Aimage%3A…,…): the list is parsed before each item is decoded.
  const raw = /^List\((.*)\)$/.exec(context.request.query.get('ids') ?? '')?.[1];
  if (raw === undefined) return badRequest('ids must be List(…)');
  const results: Record<string, unknown> = {};
  const errors: Record<string, unknown> = {};
  for (const item of raw.split(',')) {
    const urn = decode(item) ?? item;
    const asset = context.state.assets.get(urn);
    if (asset && asset.kind === kind && mayRead(context, asset))
      results[urn] = view(context.state, asset);
    else errors[urn] = { status: 404, message: 'Not Found' };
  }
  return json(200, { results, statuses: {}, errors });
}

/** `PUT {uploadUrl}`: the bytes. A Bearer token is accepted but not required (UNCONFIRMED). */
export function handleUpload(state: StandInState, request: StandInRequest): Reply {
  const [kind, id] = request.path.slice(UPLOAD_PATH.length).split('/');
  const urn = `urn:li:${kind}:${decode(id ?? '') ?? ''}`;
  const asset = state.assets.get(urn);
  if (request.method !== 'PUT' || !asset || request.query.get('ut') !== asset.uploadToken) {
    return notFound('No upload here');
  }
  const bearer = bearerToken(request);
  if (bearer !== undefined) {
    const token = state.checkAccessToken(bearer);
    if (typeof token === 'string') return tokenError(token);
  }
  if (request.raw.length === 0) return badRequest('The upload is empty');
  asset.sha256 = createHash('sha256').update(request.raw).digest('hex');
  asset.bytes = request.raw.length;
  asset.uploadedAt = Date.now();
  asset.reads = 0;
  return empty(201);
}

/** Member tokens may be refused status reads at LinkedIn: switchable here. */
function readRefused(context: RestContext, kind: Kind): Reply | undefined {
  if (context.state.mediaReadsWithoutReadScope) return undefined;
  if (READ_SCOPES.some((scope) => context.token.scopes.includes(scope))) return undefined;
  return accessDenied(`${kind}s.GET.${context.versionDay}`);
}

function mayRead(context: RestContext, asset: StoredAsset): boolean {
  return mayActAs(context, asset.owner, 'write') || mayActAs(context, asset.owner, 'read');
}

function view(state: StandInState, asset: StoredAsset) {
  const status = state.assetStatus(asset, true);
  return {
    id: asset.urn,
    owner: asset.owner,
    status,
    ...(status === 'AVAILABLE'
      ? {
          downloadUrl: `https://media.licdn.com/dms/${asset.kind}/stand-in/${asset.urn}`,
          downloadUrlExpiresAt: Date.now() + 3_600_000,
        }
      : {}),
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
