/// <reference lib="dom" />
// The editors' review page (docs/review.md): sign in, the queue, one item with its preview,
// source, diff and audit trail, the decisions, the channels, and the kill-switch and LinkedIn
// banners. One module per view; this one routes between them.
import { api, setCsrfToken } from './api';
import { channelsPage } from './channels';
import { itemPage } from './item';
import { queuePage } from './queue';
import { signInPage } from './signin';
import { app } from './state';
import type { Session } from './types';

function route(): void {
  if (!app.session) {
    signInPage();
    return;
  }
  const hash = location.hash.replace(/^#/, '') || '/';
  const item = /^\/item\/([^?]+)(?:\?v=(\d+))?$/.exec(hash);
  if (item) void itemPage(decodeURIComponent(item[1] ?? ''), item[2] ? Number(item[2]) : undefined);
  else if (hash === '/channels') void channelsPage();
  else void queuePage();
}

async function start(): Promise<void> {
  try {
    app.session = await api<Session>('GET', '/v1/session');
    setCsrfToken(app.session.csrfToken);
  } catch {
    app.session = null;
  }
  window.addEventListener('hashchange', route);
  route();
}

app.route = route;
app.signIn = signInPage;
void start();
