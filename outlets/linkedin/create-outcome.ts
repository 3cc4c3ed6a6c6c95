import { FailureType } from '../../contracts/workflow';
import type { CreateOutcome, OutletFailure } from '../outlet';
import type { LinkedInFailure } from './outcomes';
import type { Logger } from '../../platform/logger';
import type { CreatePostOutcome } from './posts';

// What LinkedIn's answers mean for the publish activity, in the outlet contract's terms.

/** Where a 426 raises its alarm, naming the version in use. */
export interface AlarmDeps {
  log: Logger;
  linkedinVersion: string;
}

/** Maps a failure of any call (init, upload, status) to the outlet contract; nothing was created. */
export function toOutletFailure(failure: LinkedInFailure, deps: AlarmDeps): OutletFailure {
  return toCreateOutcome(failure, deps) as OutletFailure;
}

export function toCreateOutcome(outcome: CreatePostOutcome, deps: AlarmDeps): CreateOutcome {
  switch (outcome.kind) {
    case 'created':
    case 'created_unnamed':
    case 'duplicate':
      return outcome;
    case 'too_long':
      return { kind: 'permanent', type: FailureType.TooLong, message: outcome.message };
    case 'unauthorized':
      return { kind: 'unauthorized', message: `token ${outcome.reason}` };
    case 'forbidden':
      return {
        kind: 'permanent',
        type: FailureType.Forbidden,
        message: `LinkedIn refused: missing permission ${outcome.permission}`,
      };
    case 'version_inactive':
      return versionInactive(outcome.message, deps);
    case 'version_missing':
      return {
        kind: 'permanent',
        type: FailureType.VersionInactive,
        message: 'LinkedIn says the version header is missing',
      };
    case 'rate_limited':
      return {
        kind: 'rate_limited',
        retryAfterMs: outcome.retryAfterMs ?? null,
        message: 'LinkedIn rate limit reached',
      };
    case 'rejected':
      return {
        kind: 'permanent',
        type: FailureType.Rejected,
        message: `LinkedIn rejected the post (${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}): ${outcome.message}`,
      };
    case 'unknown':
      return {
        kind: 'unknown',
        message: `${outcome.reason}${outcome.status ? ` ${outcome.status}` : ''}${outcome.snippet ? `: ${outcome.snippet}` : ''}`,
      };
  }
}

/** LinkedIn's 426: an alarm for the operator and a halt for the item, never a failed post. */
export function versionInactive(
  linkedinMessage: string,
  deps: AlarmDeps,
): { kind: 'version_inactive'; message: string } {
  deps.log.error(
    { setting: 'LINKEDIN_VERSION', value: deps.linkedinVersion, alarm: 'linkedin_version' },
    'LinkedIn API version is not active: items are parked until LINKEDIN_VERSION is fixed',
  );
  return {
    kind: 'version_inactive',
    message: `LINKEDIN_VERSION=${deps.linkedinVersion} is not active at LinkedIn (${linkedinMessage}); set a current YYYYMM, restart the workers, then release the item`,
  };
}
