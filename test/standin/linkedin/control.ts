import type { FaultQueue } from './faults';
import type { HoldRegistry } from './holds';
import { ACCESS_TOKEN_SECONDS, type StandInState } from './state';
import {
  AuthorizationOutcomeSchema,
  ClientRegistrationSchema,
  IssueTokenSchema,
  MediaScriptSchema,
  MemberSchema,
  OrganizationSchema,
  type StandInControl,
} from './types';
import { waitForHeldRequest } from './wait-for-hold';

/** A control call that names something the stand-in does not know. */
export class StandInInputError extends Error {
  override name = 'StandInInputError';
}

/** The in-process control surface; inputs are validated as strictly as over HTTP. */
export function createControl(
  state: StandInState,
  faults: FaultQueue,
  holds: HoldRegistry,
): StandInControl {
  const control: StandInControl = {
    ledger: () => settle(() => state.posts.map((post) => ({ ...post }))),
    requests: () => settle(() => state.requests.map((record) => ({ ...record }))),
    reset: () =>
      settle(() => {
        holds.dropAll();
        faults.clear();
        state.reset();
      }),
    registerClient: (client) =>
      settle(() => {
        const parsed = ClientRegistrationSchema.parse(client);
        state.clients.set(parsed.clientId, parsed);
      }),
    addMember: (member) =>
      settle(() => {
        const parsed = MemberSchema.parse(member);
        state.members.set(parsed.sub, parsed);
      }),
    setCurrentMember: (sub) =>
      settle(() => {
        state.currentMember = knownMember(state, sub);
      }),
    setOrganization: (organization) =>
      settle(() => {
        const parsed = OrganizationSchema.parse(organization);
        state.organizations.set(parsed.id, new Set(parsed.admins));
      }),
    setNextAuthorizationOutcome: (outcome) =>
      settle(() => {
        state.nextAuthorization = AuthorizationOutcomeSchema.parse(outcome);
      }),
    issueToken: (input) =>
      settle(() => {
        const parsed = IssueTokenSchema.parse(input);
        const sub = knownMember(state, parsed.sub ?? state.currentMember);
        const seconds = parsed.expiresInSeconds ?? ACCESS_TOKEN_SECONDS;
        const record = state.issueAccessToken({ sub, scopes: parsed.scopes }, seconds);
        return {
          accessToken: record.token,
          sub,
          scopes: record.scopes,
          expiresAt: record.expiresAt,
        };
      }),
    expireToken: (token) =>
      settle(() => {
        findToken(state, token).expiresAt = Date.now();
      }),
    revokeToken: (token) =>
      settle(() => {
        findToken(state, token).revoked = true;
      }),
    setActiveVersions: (versions) =>
      settle(() => {
        if (!versions.every((version) => /^\d{6}$/.test(version))) {
          throw new StandInInputError('versions must be YYYYMM');
        }
        state.activeVersions = new Set(versions);
      }),
    setMediaScript: (script) =>
      settle(() => {
        state.mediaScript = MediaScriptSchema.parse(script);
      }),
    setMediaReadsWithoutReadScope: (allowed) =>
      settle(() => {
        state.mediaReadsWithoutReadScope = allowed;
      }),
    media: () => settle(() => [...state.assets.values()].map((a) => state.describeAsset(a))),
    injectFault: (fault) => settle(() => faults.add(fault)),
    faults: () => settle(() => faults.list()),
    clearFaults: () => settle(() => faults.clear()),
    heldRequests: () => settle(() => holds.list()),
    waitForHeldRequest: (timeoutMs = 5000) =>
      waitForHeldRequest(() => control.heldRequests(), timeoutMs),
    release: (id) => settle(() => holds.release(id)),
  };
  return control;
}

/** Runs a synchronous change as a promise, so a throw becomes a rejection as it would over HTTP. */
function settle<T>(change: () => T): Promise<T> {
  return new Promise((resolve) => resolve(change()));
}

function knownMember(state: StandInState, sub: string): string {
  if (!state.members.has(sub)) throw new StandInInputError(`unknown member ${sub}: add it first`);
  return sub;
}

function findToken(state: StandInState, token: string) {
  const record = state.findAnyToken(token);
  if (!record) throw new StandInInputError('unknown token');
  return record;
}
