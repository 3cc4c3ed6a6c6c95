import {
  accessDenied,
  badRequest,
  notFound,
  tokenError,
  versionInactive,
  versionMissing,
} from './linkedin-errors';
import { routeMedia } from './media';
import { routePosts } from './posts';
import { routeSocialActions } from './social-actions';
import { json, type Reply } from './reply';
import { bearerToken, header, type StandInRequest } from './request';
import type { StandInState } from './state';

/** `/v2/userinfo` and `/rest/*`, checked in LinkedIn's order: token, version, protocol, endpoint. */
export function handleApi(state: StandInState, request: StandInRequest): Reply {
  const token = state.checkAccessToken(bearerToken(request));
  if (typeof token === 'string') return tokenError(token);
  if (request.path === '/v2/userinfo' && request.method === 'GET') {
    return userinfo(state, token.sub, token.scopes);
  }
  if (!request.path.startsWith('/rest/')) return notFound(`No resource for ${request.path}`);

  const version = header(request, 'linkedin-version');
  if (!version) return versionMissing();
  // `202601` and revisions such as `202601.01` name the month LinkedIn shows as `20260101`.
  const month = /^(\d{6})(?:\.\d{2})?$/.exec(version)?.[1];
  if (!month || !state.activeVersions.has(month)) {
    return versionInactive(month ? `${month}01` : version);
  }
  const protocol = header(request, 'x-restli-protocol-version');
  if (state.settings.requireProtocolHeader && protocol !== '2.0.0') {
    // LinkedIn's answer here is UNCONFIRMED; the check can be switched off.
    return badRequest('This resource requires the header X-Restli-Protocol-Version: 2.0.0');
  }
  const context = { state, token, versionDay: `${month}01`, request };
  if (request.path.startsWith('/rest/socialActions/')) return routeSocialActions(context);
  return routeMedia(context) ?? routePosts(context);
}

function userinfo(state: StandInState, sub: string, scopes: string[]): Reply {
  if (!scopes.includes('openid')) return accessDenied('userinfo.GET.NO_VERSION');
  const member = state.members.get(sub);
  if (!member) return notFound('Member not found');
  const [givenName, ...familyNames] = member.name.split(' ');
  return json(200, {
    sub: member.sub,
    ...(scopes.includes('profile')
      ? {
          name: member.name,
          given_name: givenName,
          family_name: familyNames.join(' '),
          picture: `https://media.licdn.com/dms/image/stand-in/${member.sub}`,
          locale: member.locale ?? { country: 'US', language: 'en' },
        }
      : {}),
    ...(scopes.includes('email') && member.email
      ? { email: member.email, email_verified: true }
      : {}),
  });
}
