import { z } from 'zod';
import type { LinkedInClientConfig } from './config';
import { parseJsonObject } from './errors';
import { sendRequest } from './http';
import {
  failureFromResponse,
  failureFromResult,
  unknownOutcome,
  type LinkedInFailure,
} from './outcomes';
import { restHeaders } from './posts';

// The Images and Documents APIs (LINKEDIN.md §6): initialize an upload under an owner, PUT the
// bytes to the URL it returns, then read the asset's status until it is AVAILABLE. Init and
// upload are safe to retry: a fresh init gives a fresh URN and an orphaned one is harmless.

export type MediaKind = 'image' | 'document';
export type MediaStatus = 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';

export type InitializeUploadOutcome =
  { kind: 'initialized'; urn: string; uploadUrl: string } | LinkedInFailure;
export type UploadOutcome = { kind: 'uploaded' } | LinkedInFailure;
/** Statuses by URN; a URN LinkedIn did not answer for is missing. */
export type MediaStatusOutcome =
  { kind: 'found'; statuses: Record<string, MediaStatus | 'UNKNOWN'> } | LinkedInFailure;

const RESOURCE: Record<MediaKind, string> = { image: 'images', document: 'documents' };
export const MEDIA_URN_PATTERN = /^urn:li:(image|document):[A-Za-z0-9_-]+$/;

const InitializeSchema = z.object({
  value: z.object({
    uploadUrl: z.url({ protocol: /^https?$/ }),
    image: z.string().regex(MEDIA_URN_PATTERN).optional(),
    document: z.string().regex(MEDIA_URN_PATTERN).optional(),
  }),
});
const AssetSchema = z.object({ status: z.string() });
const BatchSchema = z.object({ results: z.record(z.string(), AssetSchema) });
const STATUSES: readonly string[] = [
  'WAITING_UPLOAD',
  'PROCESSING',
  'AVAILABLE',
  'PROCESSING_FAILED',
];

export async function initializeUpload(
  config: LinkedInClientConfig,
  input: { accessToken: string; kind: MediaKind; owner: string },
): Promise<InitializeUploadOutcome> {
  const result = await sendRequest({
    url: `${config.apiBase}/rest/${RESOURCE[input.kind]}?action=initializeUpload`,
    method: 'POST',
    headers: { ...restHeaders(config, input.accessToken), 'Content-Type': 'application/json' },
    body: JSON.stringify({ initializeUploadRequest: { owner: input.owner } }),
    timeoutMs: config.requestTimeoutMs,
  });
  if (!result.ok) return failureFromResult(result);
  const { response } = result;
  if (response.status !== 200) return failureFromResponse(response);
  const parsed = InitializeSchema.safeParse(parseJsonObject(response.body));
  const urn = parsed.success ? parsed.data.value[input.kind] : undefined;
  if (!parsed.success || !urn) return unknownOutcome('malformed', response);
  return { kind: 'initialized', urn, uploadUrl: parsed.data.value.uploadUrl };
}

/**
 * PUTs the bytes. The token goes along only to LinkedIn's own hosts (or the configured API
 * base): an upload URL is data from a response and must not be able to collect it.
 */
export async function uploadBytes(
  config: LinkedInClientConfig,
  input: {
    accessToken: string;
    uploadUrl: string;
    data: Uint8Array<ArrayBuffer>;
    contentType: string;
    timeoutMs: number;
  },
): Promise<UploadOutcome> {
  const result = await sendRequest({
    url: input.uploadUrl,
    method: 'PUT',
    headers: {
      'Content-Type': input.contentType,
      ...(mayCarryToken(config, input.uploadUrl)
        ? { Authorization: `Bearer ${input.accessToken}` }
        : {}),
    },
    body: input.data,
    timeoutMs: input.timeoutMs,
  });
  if (!result.ok) return failureFromResult(result);
  const { status } = result.response;
  return status === 200 || status === 201
    ? { kind: 'uploaded' }
    : failureFromResponse(result.response);
}

/** Reads the status of image and document URNs: one GET for one, a batch GET for several. */
export async function getMediaStatus(
  config: LinkedInClientConfig,
  input: { accessToken: string; urns: string[] },
): Promise<MediaStatusOutcome> {
  const statuses: Record<string, MediaStatus | 'UNKNOWN'> = {};
  for (const kind of ['image', 'document'] as const) {
    const urns = input.urns.filter((urn) => urn.startsWith(`urn:li:${kind}:`));
    if (urns.length === 0) continue;
    const path =
      urns.length === 1
        ? `/rest/${RESOURCE[kind]}/${encodeURIComponent(urns[0] ?? '')}`
        : `/rest/${RESOURCE[kind]}?ids=List(${urns.map(encodeURIComponent).join(',')})`;
    const result = await sendRequest({
      url: `${config.apiBase}${path}`,
      method: 'GET',
      headers: restHeaders(config, input.accessToken),
      timeoutMs: config.requestTimeoutMs,
    });
    if (!result.ok) return failureFromResult(result);
    const { response } = result;
    if (response.status !== 200) return failureFromResponse(response);
    const body = parseJsonObject(response.body);
    if (urns.length === 1) {
      const asset = AssetSchema.safeParse(body);
      if (!asset.success) return unknownOutcome('malformed', response);
      statuses[urns[0] ?? ''] = known(asset.data.status);
    } else {
      const batch = BatchSchema.safeParse(body);
      if (!batch.success) return unknownOutcome('malformed', response);
      for (const urn of urns) {
        const asset = batch.data.results[urn];
        if (asset) statuses[urn] = known(asset.status);
      }
    }
  }
  return { kind: 'found', statuses };
}

function known(status: string): MediaStatus | 'UNKNOWN' {
  return STATUSES.includes(status) ? (status as MediaStatus) : 'UNKNOWN';
}

function mayCarryToken(config: LinkedInClientConfig, uploadUrl: string): boolean {
  try {
    const target = new URL(uploadUrl);
    if (target.origin === new URL(config.apiBase).origin) return true;
    return (
      target.protocol === 'https:' &&
      (target.hostname === 'linkedin.com' || target.hostname.endsWith('.linkedin.com'))
    );
  } catch {
    return false;
  }
}
