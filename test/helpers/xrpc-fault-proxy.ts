import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the proxy does to the next request for one XRPC method:
 * - `drop_after_upstream`: forwards it, waits for the server's whole answer, then resets the
 *   client's connection without a byte of that answer (the write happened, the client cannot know);
 * - `drop_before_upstream`: resets the connection without forwarding;
 * - `respond`: answers `status` with an XRPC error body and `headers`; with `upstream: true` the
 *   request is forwarded first and the server's answer is replaced (a 5xx after the write);
 * - `hold_after_upstream`: forwards it and never answers (until the client gives up).
 */
export type XrpcFault =
  | { kind: 'drop_after_upstream' }
  | { kind: 'drop_before_upstream' }
  | { kind: 'hold_after_upstream' }
  | {
      kind: 'respond';
      status: number;
      error: string;
      message?: string;
      headers?: Record<string, string>;
      upstream?: boolean;
    };

/** One request the proxy saw: the XRPC method and what the client got. */
export interface ProxiedRequest {
  method: string;
  nsid: string;
  outcome: number | 'dropped' | 'held';
}

/** An HTTP proxy in front of an XRPC server that injects faults per method and logs requests. */
export interface XrpcFaultProxy {
  readonly url: string;
  /** Queues a fault for the next request to `nsid` (faults for one method apply in order). */
  inject(nsid: string, fault: XrpcFault): void;
  /** Faults injected but not yet met. */
  pending(): { nsid: string; fault: XrpcFault }[];
  requests(): readonly ProxiedRequest[];
  count(nsid: string, since?: number): number;
  /** Index into the request log, to count only what happens after it. */
  mark(): number;
  /** Resets the connections of held requests (their clients see a dropped connection). */
  dropHeld(): void;
  close(): Promise<void>;
}

export async function startXrpcFaultProxy(target: string): Promise<XrpcFaultProxy> {
  const upstream = new URL(target);
  const faults: { nsid: string; fault: XrpcFault }[] = [];
  const log: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();

  const takeFault = (nsid: string): XrpcFault | undefined => {
    const index = faults.findIndex((entry) => entry.nsid === nsid);
    if (index === -1) return undefined;
    return faults.splice(index, 1)[0]?.fault;
  };

  const server: Server = createServer((req, res) => {
    const nsid = /^\/xrpc\/([^?/]+)/.exec(req.url ?? '')?.[1] ?? req.url ?? '';
    const entry: ProxiedRequest = { method: req.method ?? 'GET', nsid, outcome: 'held' };
    log.push(entry);
    const fault = takeFault(nsid);
    void handle(req, res, entry, fault).catch(() => {
      entry.outcome = 'dropped';
      req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxiedRequest,
    fault: XrpcFault | undefined,
  ): Promise<void> {
    const body = await readAll(req);
    if (fault?.kind === 'drop_before_upstream') {
      entry.outcome = 'dropped';
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'respond' && fault.upstream !== true) {
      answerError(res, entry, fault);
      return;
    }
    const answer = await forward(req, body);
    switch (fault?.kind) {
      case 'drop_after_upstream':
        entry.outcome = 'dropped';
        req.socket.destroy();
        return;
      case 'hold_after_upstream':
        entry.outcome = 'held';
        held.add(req.socket);
        return;
      case 'respond':
        answerError(res, entry, fault);
        return;
      default:
        entry.outcome = answer.status;
        res.writeHead(answer.status, passHeaders(answer.headers));
        res.end(answer.body);
    }
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (response) => {
          readAll(response).then(
            (bytes) =>
              resolve({
                status: response.statusCode ?? 502,
                headers: response.headers,
                body: bytes,
              }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    inject: (nsid, fault) => faults.push({ nsid, fault }),
    pending: () => [...faults],
    requests: () => log,
    count: (nsid, since = 0) => log.slice(since).filter((entry) => entry.nsid === nsid).length,
    mark: () => log.length,
    dropHeld: () => {
      for (const socket of held) socket.destroy();
      held.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answerError(
  res: ServerResponse,
  entry: ProxiedRequest,
  fault: Extract<XrpcFault, { kind: 'respond' }>,
): void {
  entry.outcome = fault.status;
  const body = JSON.stringify({ error: fault.error, message: fault.message ?? fault.error });
  res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
  res.end(body);
}

// Hop-by-hop headers belong to one connection; the body is re-sent whole, so its length is known.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function passHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const passed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) passed[name] = value;
  }
  return passed;
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
