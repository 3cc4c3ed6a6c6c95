/// <reference lib="dom" />
// The page's only way out: same-origin calls to the public REST API with the session cookie.
// The CSRF token lives in memory only and goes out as `x-csrf-token` on every state change.

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Stargue could not be reached. Check your connection.');
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as {
    error?: string;
    message?: string;
    issues?: Issue[];
  } | null;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      data?.error ?? `HTTP_${response.status}`,
      data?.message ?? response.statusText,
      data?.issues ?? [],
    );
  }
  return data as T;
}

/** A sentence an editor can act on, for any error the API answers. */
export function readable(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Reload the page and try again.';
  switch (error.code) {
    case 'INVALID_STATE':
      return `Not possible any more: ${error.message}. The page now shows the item's current state.`;
    case 'STALE_CONTENT_HASH':
      return 'The text changed since you opened this page, so it was not approved. Review the new text, then approve again.';
    case 'VERSION_CONFLICT':
      return `Conflict: ${error.message}.`;
    case 'CSRF_FAILED':
      return 'Your session’s security token is out of date. Reload the page and try again.';
    case 'UNAUTHORIZED':
      return 'You are signed out (the session ended or the key was revoked). Sign in again.';
    case 'FORBIDDEN':
      return `Your role may not do this: ${error.message}.`;
    case 'VALIDATION_FAILED':
      return error.issues.length > 0
        ? `Please check: ${error.issues.map((i) => `${i.path || 'request'} ${i.message}`).join('; ')}.`
        : `Please check the form: ${error.message}.`;
    case 'TEMPORAL_UNAVAILABLE':
    case 'DB_UNAVAILABLE':
      return 'Stargue is briefly unavailable. Nothing was changed; try again in a few seconds.';
    case 'RATE_LIMITED':
      return 'Too many requests: wait a moment and try again.';
    default:
      return error.message || `The request failed (${error.status}).`;
  }
}
