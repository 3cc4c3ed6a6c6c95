/** A complete answer: status, headers and the whole body, read within the deadline. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

export type HttpResult =
  | { ok: true; response: HttpResponse }
  | { ok: false; reason: 'timeout' | 'network'; detail: string };

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  timeoutMs: number;
}

/** Never throws: a failure to get a full answer is a value the caller must classify. */
export async function sendRequest(request: HttpRequest): Promise<HttpResult> {
  // One signal for headers and body: a server that drips the body must not outlive the deadline.
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: 'manual',
    });
    const body = await response.text();
    return { ok: true, response: { status: response.status, headers: response.headers, body } };
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, reason: 'timeout', detail: `no answer within ${request.timeoutMs} ms` };
    }
    return { ok: false, reason: 'network', detail: describeNetworkError(error) };
  }
}

function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
