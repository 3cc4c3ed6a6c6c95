import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { HoldRegistry } from './holds';
import { serverError, tokenError, tooManyRequests } from './linkedin-errors';
import { html, wireHeaders, type Reply } from './reply';
import type { ParsedFaultSpec } from './types';

export interface Delivery {
  response: ServerResponse;
  method: string;
  path: string;
  fault: ParsedFaultSpec | undefined;
  /** Runs the endpoint; for `POST /rest/posts` this may record a post. */
  process: () => Reply;
  holds: HoldRegistry;
  closing: AbortSignal;
}

const GATEWAY_PAGE =
  '<!DOCTYPE html><html><head><title>LinkedIn</title></head><body><h1>Request could not be processed</h1><p>Please try again later.</p></body></html>';

/** Answers normally, or as the fault says: "after create" faults run the endpoint first. */
export async function deliver(delivery: Delivery): Promise<void> {
  const { response, fault, process } = delivery;
  const gone = untilGone(response, delivery.closing);
  switch (fault?.type) {
    case undefined:
      return send(response, process());
    case 'server_error':
      return send(response, serverError(fault.status));
    case 'server_error_after_create':
      process();
      return send(response, serverError(fault.status));
    case 'rate_limited':
      return send(response, tooManyRequests(fault.retryAfter));
    case 'hang':
      if (await pause(fault.ms, gone)) reset(response);
      return;
    case 'reset_before_create':
      return reset(response);
    case 'reset_after_create':
      process();
      return reset(response);
    case 'slow_drip':
      return drip(response, process(), fault.headersAfterMs, fault.bodyAfterMs, gone);
    case 'no_restli_id':
      return send(response, withoutRestliId(process()));
    case 'malformed':
      if (fault.create) process();
      return send(response, html(fault.status, fault.body ?? GATEWAY_PAGE));
    case 'expired_token':
      return send(response, tokenError('expired'));
    case 'revoked_token':
      return send(response, tokenError('revoked'));
    case 'hold':
      return holdThenSend(delivery, fault.phase);
  }
}

async function holdThenSend(
  delivery: Delivery,
  phase: 'before_create' | 'after_create',
): Promise<void> {
  const { response, method, path, holds, closing, process } = delivery;
  const held = { method, path, phase };
  // LinkedIn commits on release even if the caller died meanwhile: that is the W2 drill.
  const reply = phase === 'after_create' ? process() : undefined;
  if (!(await holds.hold(held, closing))) return reset(response);
  send(response, reply ?? process());
}

async function drip(
  response: ServerResponse,
  reply: Reply,
  headersAfterMs: number,
  bodyAfterMs: number,
  gone: AbortSignal,
): Promise<void> {
  if (!(await pause(headersAfterMs, gone))) return;
  // Chunked on purpose: with a length of 0 the caller would finish before the drip does.
  response.writeHead(reply.status, reply.headers);
  response.flushHeaders();
  if (!(await pause(Math.max(0, bodyAfterMs - headersAfterMs), gone))) return;
  response.end(reply.body);
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(reply.status, wireHeaders(reply));
  response.end(reply.body);
}

/** A TCP reset, as when a load balancer drops the connection. */
function reset(response: ServerResponse): void {
  const { socket } = response;
  if (socket && !socket.destroyed) socket.resetAndDestroy();
  else response.destroy();
}

function withoutRestliId(reply: Reply): Reply {
  const headers = Object.fromEntries(
    Object.entries(reply.headers).filter(([name]) => name.toLowerCase() !== 'x-restli-id'),
  );
  return { ...reply, headers };
}

/** Aborts when the stand-in closes or the caller hangs up, so no timer outlives either. */
function untilGone(response: ServerResponse, closing: AbortSignal): AbortSignal {
  const hungUp = new AbortController();
  response.once('close', () => hungUp.abort());
  return AbortSignal.any([closing, hungUp.signal]);
}

/** True when `ms` elapsed; false when aborted first. Without `ms`, waits for the abort. */
async function pause(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms === undefined) {
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return false;
  }
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
