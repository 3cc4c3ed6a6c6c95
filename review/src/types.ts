/// <reference lib="dom" />
// What the review page reads from the REST API (contracts/api.ts is the source of truth).

export type Role = 'integration' | 'editor' | 'operator';
export interface Session {
  name: string;
  role: Role;
  csrfToken: string;
}
export interface Summary {
  id: string;
  version: number;
  status: string;
  title: string;
  language: string;
  outlets: string[];
  scheduledAt: string | null;
  submittedBy: string;
  createdAt: string;
}
export interface ContentView extends Summary {
  versions: number[];
  approvals: { decision: string; actor: string; note: string | null; at: string }[];
  publications: { outlet: string; state: string; url: string | null }[];
  channels: {
    key: string;
    outlet: string;
    channel: string | null;
    status: string;
    reason: string | null;
    url: string | null;
  }[];
  halt: { reason: string; message: string } | null;
  lastError: { message: string } | null;
  warnings: string[];
}
export type PreviewMedia =
  | {
      kind: 'images';
      images: {
        id: string;
        alt: string;
        width: number | null;
        height: number | null;
        url: string;
      }[];
    }
  | { kind: 'document'; id: string; title: string; pages: number | null; url: string };
export interface Preview {
  contentHash: string;
  outlets: {
    outlet: string;
    /** `linkedin:jane`; null for items from before channels. */
    channel: string | null;
    text: string;
    length: number;
    limit: number;
    media?: PreviewMedia;
  }[];
  warnings: { message: string }[];
}
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  workflowId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
}
export interface KillSwitch {
  engaged: boolean;
  reason: string | null;
  updatedBy: string;
  updatedAt: string;
}
export interface LinkedInStatus {
  status: 'active' | 'reauth_required' | 'not_connected';
}
export interface Channel {
  outlet: 'linkedin' | 'bluesky';
  name: string;
  displayName: string;
  default: boolean;
  disabled: boolean;
  status: 'active' | 'reauth_required';
  reauthReason: string | null;
  kind: 'member' | 'page' | 'account';
  account: string;
  handle: string | null;
  rateLimitedUntil: string | null;
}
