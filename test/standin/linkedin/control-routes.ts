import { z } from 'zod';
import { StandInInputError } from './control';
import { json, type Reply } from './reply';
import type { StandInRequest } from './request';
import {
  AuthorizationOutcomeSchema,
  ClientRegistrationSchema,
  FaultSpecSchema,
  IssueTokenSchema,
  MediaScriptSchema,
  MemberSchema,
  OrganizationSchema,
  type StandInControl,
} from './types';

type Route = (control: StandInControl, body: unknown) => Promise<object | void>;

const TokenBody = z.object({ token: z.string().min(1) });

/** `/_standin/*`: the control surface for tests and drills running in another process. */
const ROUTES: Record<string, Route> = {
  'GET /_standin/ledger': async (control) => ({ posts: await control.ledger() }),
  'GET /_standin/requests': async (control) => ({ requests: await control.requests() }),
  'POST /_standin/reset': (control) => control.reset(),
  'POST /_standin/clients': (control, body) =>
    control.registerClient(ClientRegistrationSchema.parse(body)),
  'POST /_standin/members': (control, body) => control.addMember(MemberSchema.parse(body)),
  'PUT /_standin/current-member': (control, body) =>
    control.setCurrentMember(z.object({ sub: z.string() }).parse(body).sub),
  'PUT /_standin/organizations': (control, body) =>
    control.setOrganization(OrganizationSchema.parse(body)),
  'PUT /_standin/next-authorization': (control, body) =>
    control.setNextAuthorizationOutcome(
      z.object({ outcome: AuthorizationOutcomeSchema }).parse(body).outcome,
    ),
  'POST /_standin/tokens': (control, body) => control.issueToken(IssueTokenSchema.parse(body)),
  'POST /_standin/tokens/expire': (control, body) =>
    control.expireToken(TokenBody.parse(body).token),
  'POST /_standin/tokens/revoke': (control, body) =>
    control.revokeToken(TokenBody.parse(body).token),
  'PUT /_standin/versions': (control, body) =>
    control.setActiveVersions(z.object({ versions: z.array(z.string()) }).parse(body).versions),
  'PUT /_standin/media-script': (control, body) =>
    control.setMediaScript(MediaScriptSchema.parse(body)),
  'PUT /_standin/media-reads': (control, body) =>
    control.setMediaReadsWithoutReadScope(z.object({ allowed: z.boolean() }).parse(body).allowed),
  'GET /_standin/media': async (control) => ({ media: await control.media() }),
  'GET /_standin/faults': async (control) => ({ faults: await control.faults() }),
  'POST /_standin/faults': async (control, body) => ({
    fault: await control.injectFault(FaultSpecSchema.parse(body)),
  }),
  'DELETE /_standin/faults': (control) => control.clearFaults(),
  'GET /_standin/holds': async (control) => ({ holds: await control.heldRequests() }),
  'POST /_standin/holds/release': async (control, body) => ({
    released: await control.release(z.object({ id: z.string().optional() }).parse(body).id),
  }),
};

export async function handleControl(
  control: StandInControl,
  request: StandInRequest,
): Promise<Reply> {
  const route = ROUTES[`${request.method} ${request.path}`];
  if (!route) {
    return json(404, { error: 'not_found', message: `no ${request.method} ${request.path}` });
  }
  try {
    const body: unknown = request.body.trim() === '' ? {} : JSON.parse(request.body);
    return json(200, (await route(control, body)) ?? {});
  } catch (error) {
    if (error instanceof z.ZodError) {
      return json(400, {
        error: 'invalid_request',
        message: 'invalid input',
        issues: error.issues,
      });
    }
    if (error instanceof SyntaxError || error instanceof StandInInputError) {
      return json(400, { error: 'invalid_request', message: error.message });
    }
    throw error;
  }
}
