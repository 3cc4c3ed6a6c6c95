export {
  createBlueskyOutlet,
  type BlueskyChannel,
  type BlueskyInput,
  type BlueskyOutlet,
  type BlueskyOutletDeps,
  type BlueskyPayload,
} from './outlet';
export { mediaIdOf, type ImageInput, type MediaReader, type PostImage } from './images';
export { renderBlueskyText, type BlueskyText } from './text';
export {
  ReauthRequired,
  type BlueskySession,
  type SessionStore,
  type StoredSignIn,
} from './session';
export {
  sealedSessionStore,
  sealSignIn,
  type SealedSignIn,
  type SealedSignInHolder,
} from './sealed-store';
