import type {
  Fault,
  HeldRequest,
  IssuedToken,
  LedgerPost,
  MediaAsset,
  RequestRecord,
  StandInControl,
} from './types';
import { waitForHeldRequest } from './wait-for-hold';

/** Drives a stand-in running as its own process through `/_standin/*`. */
export function connectLinkedInStandIn(url: string): StandInControl {
  const call = async <T = object>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/_standin${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`stand-in ${method} /_standin${path} answered ${response.status}: ${text}`);
    }
    return JSON.parse(text) as T;
  };
  const done = async (promise: Promise<unknown>) => {
    await promise;
  };
  const control: StandInControl = {
    ledger: async () => (await call<{ posts: LedgerPost[] }>('GET', '/ledger')).posts,
    requests: async () => (await call<{ requests: RequestRecord[] }>('GET', '/requests')).requests,
    reset: () => done(call('POST', '/reset')),
    registerClient: (client) => done(call('POST', '/clients', client)),
    addMember: (member) => done(call('POST', '/members', member)),
    setCurrentMember: (sub) => done(call('PUT', '/current-member', { sub })),
    setOrganization: (organization) => done(call('PUT', '/organizations', organization)),
    setNextAuthorizationOutcome: (outcome) => done(call('PUT', '/next-authorization', { outcome })),
    issueToken: (input) => call<IssuedToken>('POST', '/tokens', input),
    expireToken: (token) => done(call('POST', '/tokens/expire', { token })),
    revokeToken: (token) => done(call('POST', '/tokens/revoke', { token })),
    setActiveVersions: (versions) => done(call('PUT', '/versions', { versions })),
    setMediaScript: (script) => done(call('PUT', '/media-script', script)),
    setMediaReadsWithoutReadScope: (allowed) => done(call('PUT', '/media-reads', { allowed })),
    media: async () => (await call<{ media: MediaAsset[] }>('GET', '/media')).media,
    injectFault: async (fault) => (await call<{ fault: Fault }>('POST', '/faults', fault)).fault,
    faults: async () => (await call<{ faults: Fault[] }>('GET', '/faults')).faults,
    clearFaults: () => done(call('DELETE', '/faults')),
    heldRequests: async () => (await call<{ holds: HeldRequest[] }>('GET', '/holds')).holds,
    waitForHeldRequest: (timeoutMs = 5000) =>
      waitForHeldRequest(() => control.heldRequests(), timeoutMs),
    release: async (id) =>
      (await call<{ released: number }>('POST', '/holds/release', id === undefined ? {} : { id }))
        .released,
  };
  return control;
}
