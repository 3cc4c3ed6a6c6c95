export { connectLinkedInStandIn } from './remote';
export {
  DEFAULT_CLIENT,
  DEFAULT_MEMBER,
  startLinkedInStandIn,
  type StandIn,
  type StandInOptions,
} from './server';
export type {
  AuthorizationOutcome,
  ClientRegistration,
  Fault,
  FaultSpec,
  FaultType,
  HeldRequest,
  IssuedToken,
  IssueTokenInput,
  LedgerPost,
  MediaAsset,
  MediaScript,
  Member,
  Organization,
  RequestRecord,
  StandInControl,
} from './types';
