/// <reference lib="dom" />
// State every view shares, and the page's periodic refresh. main.ts supplies the navigation
// (`route`, `signIn`), so views reach each other without importing each other.
import { ApiError, readable } from './api';
import { PUBLISH_STATUSES } from '../../contracts/workflow';
import type { Session } from './types';

// Every status there is (contracts/workflow.ts), the ones an editor looks for first.
const FIRST: readonly string[] = ['awaiting_approval', 'scheduled', 'publishing', 'published'];
export const STATUSES = [...FIRST, ...PUBLISH_STATUSES.filter((s) => !FIRST.includes(s))];
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
