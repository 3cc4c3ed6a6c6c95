/// <reference lib="dom" />
// State every view shares, and the page's periodic refresh. main.ts supplies the navigation
// (`route`, `signIn`), so views reach each other without importing each other.
import { ApiError, readable } from './api';
import type { Session } from './types';

// contracts/workflow.ts PUBLISH_STATUSES, in the order an editor thinks of them.
export const STATUSES = [
  'awaiting_approval',
  'scheduled',
  'publishing',
  'published',
  'halted',
  'rejected',
  'cancelled',
  'failed',
  'draft',
  'validating',
];
export const label = (status: string) => status.replace(/_/g, ' ');
const REFRESH_MS = 5_000;

export const app = {
  session: null as Session | null,
  root: document.getElementById('app') as HTMLElement,
  route: (): void => undefined,
  signIn: (message?: string): void => void message,
};

let timer: ReturnType<typeof setInterval> | undefined;

export function stopRefresh(): void {
  if (timer) clearInterval(timer);
  timer = undefined;
}

export function every(work: () => Promise<void>): void {
  stopRefresh();
  timer = setInterval(() => {
    work().catch(onBackgroundError);
  }, REFRESH_MS);
}

export function onBackgroundError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    app.session = null;
    app.signIn(readable(error));
  }
}
