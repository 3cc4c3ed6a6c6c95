import type { IncomingHttpHeaders } from 'node:http';

/** A request with its body fully read. `path` keeps LinkedIn's percent-encoding. */
export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text, and as the bytes that arrived (media uploads). */
  body: string;
  raw: Buffer;
}

export function header(request: StandInRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function bearerToken(request: StandInRequest): string | undefined {
  const match = /^Bearer\s+(\S+)/i.exec(header(request, 'authorization') ?? '');
  return match?.[1];
}
