/// <reference lib="dom" />
// The editors' review page (docs/review.md): sign in, the queue, one item with its preview,
// source, diff and audit trail, the decisions, and the kill-switch and LinkedIn banners.
import { api, ApiError, readable, setCsrfToken } from './api';
import { diffLines } from './diff';
import { h, replace, uid, type Child } from './dom';
import { hashtagUrl, mentionUrl, parseLittleText } from './little-text';
import { formatLocal, formatUtc, instantToZoned, localZone, zonedToInstant, zones } from './time';

type Role = 'integration' | 'editor' | 'operator';
interface Session {
  name: string;
  role: Role;
  csrfToken: string;
}
interface Summary {
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
interface ContentView extends Summary {
  versions: number[];
  approvals: { decision: string; actor: string; note: string | null; at: string }[];
  publications: { outlet: string; state: string; url: string | null }[];
  halt: { reason: string; message: string } | null;
  lastError: { message: string } | null;
  warnings: string[];
}
interface Preview {
  contentHash: string;
  outlets: { outlet: string; text: string; length: number; limit: number }[];
  warnings: { message: string }[];
}
interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  workflowId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
}
interface KillSwitch {
  engaged: boolean;
  reason: string | null;
  updatedBy: string;
  updatedAt: string;
}
interface LinkedInStatus {
  status: 'active' | 'reauth_required' | 'not_connected';
}

// contracts/workflow.ts PUBLISH_STATUSES, in the order an editor thinks of them.
const STATUSES = [
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
const label = (status: string) => status.replace(/_/g, ' ');
const REFRESH_MS = 5_000;

let session: Session | null = null;
let timer: ReturnType<typeof setInterval> | undefined;
const root = document.getElementById('app') as HTMLElement;

// ---- shell -------------------------------------------------------------------------------

function time(iso: string | null): Child {
  if (!iso) return h('span', { class: 'muted' }, 'not scheduled (on approval)');
  return h('time', { datetime: iso, title: formatUtc(iso) }, formatLocal(iso));
}

function badge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, label(status));
}

function shell(): { main: HTMLElement; banners: HTMLElement } {
  const banners = h('div', { class: 'banners', 'aria-live': 'polite' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const user = session as Session;
  replace(
    root,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, 'Stargue review'),
      h(
        'nav',
        { 'aria-label': 'Main' },
        h('a', { href: '#/' }, 'Queue'),
        user.role === 'operator' ? h('a', { href: '/docs' }, 'API docs') : null,
      ),
      h(
        'div',
        { class: 'who' },
        h('span', null, `${user.name} (${user.role})`),
        h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'),
      ),
    ),
    banners,
    main,
  );
  return { main, banners };
}

async function refreshBanners(banners: HTMLElement): Promise<void> {
  const [kill, linkedin] = await Promise.all([
    api<KillSwitch>('GET', '/v1/kill-switch'),
    api<LinkedInStatus>('GET', '/v1/outlets/linkedin/status'),
  ]);
  const operator = session?.role === 'operator';
  const items: Child[] = [];
  if (kill.engaged) {
    items.push(
      h(
        'div',
        { class: 'banner danger', role: 'alert', id: 'kill-switch-banner' },
        h('strong', null, 'Publishing is stopped: the global kill switch is engaged. '),
        `Reason: ${kill.reason ?? '—'} (by ${kill.updatedBy}, `,
        time(kill.updatedAt),
        '). Approvals are kept; nothing is posted until it is released.',
      ),
    );
  }
  if (linkedin.status !== 'active') {
    items.push(
      h(
        'div',
        { class: 'banner warning', role: 'alert', id: 'linkedin-banner' },
        h(
          'strong',
          null,
          linkedin.status === 'not_connected'
            ? 'No LinkedIn account is connected. '
            : 'LinkedIn needs re-authorization. ',
        ),
        'Posts wait until the account is reconnected. ',
        operator
          ? h('a', { href: '/v1/oauth/linkedin/authorize' }, 'Reconnect LinkedIn')
          : 'Ask an operator to reconnect it.',
      ),
    );
  }
  if (operator) items.push(operatorTools(kill, banners));
  replace(banners, ...items);
}

function operatorTools(kill: KillSwitch, banners: HTMLElement): HTMLElement {
  const reasonId = uid('ks-reason');
  const errorBox = h('p', { class: 'error', role: 'alert' });
  const reason = h('textarea', {
    id: reasonId,
    rows: 3,
    maxlength: 500,
    required: !kill.engaged,
  });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': `${reasonId}-title` },
    h(
      'form',
      { method: 'dialog' },
      h(
        'h2',
        { id: `${reasonId}-title` },
        kill.engaged ? 'Release the global kill switch?' : 'Engage the global kill switch?',
      ),
      h(
        'p',
        null,
        kill.engaged
          ? 'Items halted by the switch continue: approved posts are published as scheduled.'
          : 'Every item stops before its next LinkedIn call. Nothing is posted until it is released.',
      ),
      h('label', { for: reasonId }, kill.engaged ? 'Reason (optional)' : 'Reason (required)'),
      reason,
      errorBox,
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          {
            type: 'submit',
            value: 'confirm',
            class: kill.engaged ? 'primary' : 'danger',
            onclick: async (event: Event) => {
              event.preventDefault();
              const text = reason.value.trim();
              if (!kill.engaged && !text) {
                errorBox.textContent =
                  'Give a reason: it is shown to everyone and kept in the audit log.';
                reason.focus();
                return;
              }
              try {
                await api('PUT', '/v1/kill-switch', {
                  engaged: !kill.engaged,
                  ...(text ? { reason: text } : {}),
                });
                dialog.close();
                await refreshBanners(banners);
              } catch (error) {
                errorBox.textContent = readable(error);
              }
            },
          },
          kill.engaged ? 'Release kill switch' : 'Engage kill switch',
        ),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => dialog.close() },
          'Cancel',
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'operator', 'aria-label': 'Operator tools' },
    h('strong', null, 'Operator tools: '),
    h(
      'button',
      {
        type: 'button',
        class: kill.engaged ? 'secondary' : 'danger',
        id: 'kill-switch-toggle',
        onclick: () => {
          errorBox.textContent = '';
          dialog.showModal();
          reason.focus();
        },
      },
      kill.engaged ? 'Release kill switch…' : 'Engage kill switch…',
    ),
    ' ',
    h('a', { href: '/v1/oauth/linkedin/authorize' }, 'Connect or reconnect LinkedIn'),
    dialog,
  );
}

// ---- sign-in -----------------------------------------------------------------------------

function signInPage(message?: string): void {
  stopRefresh();
  const errorBox = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const key = h('input', {
    id: 'api-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        errorBox.textContent = '';
        try {
          session = await api<Session>('POST', '/v1/session', { apiKey: key.value.trim() });
          setCsrfToken(session.csrfToken);
          key.value = '';
          route();
        } catch (error) {
          errorBox.textContent =
            error instanceof ApiError && error.status === 401
              ? 'That key is unknown or revoked.'
              : readable(error);
          key.focus();
        }
      },
    },
    h('h1', null, 'Stargue review'),
    h(
      'p',
      null,
      'Sign in with your editor API key. It is exchanged once for a session cookie and is not stored in the browser.',
    ),
    h('label', { for: 'api-key' }, 'API key'),
    key,
    errorBox,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  replace(root, h('main', { id: 'main', tabindex: '-1' }, form));
  key.focus();
}

async function signOut(): Promise<void> {
  try {
    await api('DELETE', '/v1/session');
  } finally {
    session = null;
    setCsrfToken('');
    location.hash = '#/';
    signInPage('You are signed out.');
  }
}

// ---- refresh -------------------------------------------------------------------------------

function stopRefresh(): void {
  if (timer) clearInterval(timer);
  timer = undefined;
}

function every(work: () => Promise<void>): void {
  stopRefresh();
  timer = setInterval(() => {
    work().catch(onBackgroundError);
  }, REFRESH_MS);
}

function onBackgroundError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    session = null;
    signInPage(readable(error));
  }
}

// ---- queue -------------------------------------------------------------------------------

let queueStatus = 'awaiting_approval';

async function queuePage(): Promise<void> {
  const { main, banners } = shell();
  const select = h(
    'select',
    {
      id: 'status-filter',
      onchange: () => {
        queueStatus = select.value;
        void load();
      },
    },
    h('option', { value: '' }, 'all statuses'),
    STATUSES.map((s) => h('option', { value: s }, label(s))),
  );
  select.value = queueStatus;
  const updated = h('p', { class: 'muted', role: 'status' });
  const list = h('div', { class: 'queue' });
  replace(
    main,
    h('h1', null, 'Queue'),
    h('div', { class: 'toolbar' }, h('label', { for: 'status-filter' }, 'Status'), select, updated),
    list,
  );
  main.focus();

  async function load(): Promise<void> {
    const query = new URLSearchParams({ limit: '100' });
    if (queueStatus) query.set('status', queueStatus);
    const page = await api<{ items: Summary[] }>('GET', `/v1/content?${query.toString()}`);
    renderQueue(list, page.items);
    updated.textContent = `${page.items.length} item${page.items.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}`;
  }
  const refresh = async () => {
    await Promise.all([load(), refreshBanners(banners)]);
  };
  try {
    await refresh();
  } catch (error) {
    onBackgroundError(error);
    replace(list, h('p', { class: 'error', role: 'alert' }, readable(error)));
  }
  every(refresh);
}

function renderQueue(list: HTMLElement, items: Summary[]): void {
  if (items.length === 0) {
    replace(list, h('p', { class: 'empty' }, 'Nothing here. New items appear by themselves.'));
    return;
  }
  const head = ['Title', 'Status', 'Language', 'Outlets', 'Scheduled', 'Version', 'Submitted by'];
  replace(
    list,
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Items, newest first'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          head.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((item) =>
          h(
            'tr',
            { 'data-id': item.id },
            h(
              'td',
              { 'data-label': 'Title' },
              h(
                'a',
                { href: `#/item/${encodeURIComponent(item.id)}?v=${item.version}` },
                item.title || item.id,
              ),
              h('div', { class: 'muted small' }, item.id),
            ),
            h('td', { 'data-label': 'Status' }, badge(item.status)),
            h('td', { 'data-label': 'Language' }, item.language),
            h('td', { 'data-label': 'Outlets' }, item.outlets.join(', ')),
            h('td', { 'data-label': 'Scheduled' }, time(item.scheduledAt)),
            h('td', { 'data-label': 'Version' }, `v${item.version}`),
            h(
              'td',
              { 'data-label': 'Submitted by' },
              item.submittedBy,
              h('div', { class: 'muted small' }, time(item.createdAt)),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---- item ----------------------------------------------------------------------------------

const APPROVABLE = ['awaiting_approval'];
const RESCHEDULABLE = ['validating', 'awaiting_approval', 'scheduled'];

function whyNot(action: 'approve' | 'reject' | 'reschedule', status: string): string | null {
  const allowed = action === 'reschedule' ? RESCHEDULABLE : APPROVABLE;
  if (allowed.includes(status)) return null;
  if (action === 'reschedule') {
    return status === 'publishing'
      ? 'Publishing has started: the time can no longer change.'
      : `This version is ${label(status)}: only items awaiting approval or scheduled can be rescheduled.`;
  }
  return status === 'draft'
    ? 'This version is a draft: it is never sent for approval.'
    : `This version is ${label(status)}: only items awaiting approval can be ${action === 'approve' ? 'approved' : 'rejected'}.`;
}

async function itemPage(id: string, version: number | undefined): Promise<void> {
  const { main, banners } = shell();
  const query = version ? `?version=${version}` : '';
  const base = `/v1/content/${encodeURIComponent(id)}`;
  let view: ContentView;
  let preview: Preview;
  try {
    [view, preview] = await Promise.all([
      api<ContentView>('GET', `${base}${query}`),
      api<Preview>('GET', `${base}/preview${query}`),
    ]);
  } catch (error) {
    onBackgroundError(error);
    replace(
      main,
      h('p', null, h('a', { href: '#/' }, '← Queue')),
      h('p', { class: 'error', role: 'alert' }, readable(error)),
    );
    return;
  }
  const v = view.version;
  const previous = view.versions.filter((x) => x < v).sort((a, b) => b - a)[0];
  const [source, before, audit] = await Promise.all([
    api<{ markdown: string }>('GET', `${base}/source?version=${v}`),
    previous
      ? api<{ markdown: string }>('GET', `${base}/source?version=${previous}`)
      : Promise.resolve(null),
    api<{ items: AuditEntry[] }>('GET', `${base}/audit?limit=200`).catch(() => null),
  ]);

  const statusSlot = h('span', null, badge(view.status));
  const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const actions = actionForms(view, preview, notice);

  replace(
    main,
    h('p', null, h('a', { href: '#/' }, '← Queue')),
    h('h1', null, view.title || view.id),
    h(
      'dl',
      { class: 'meta' },
      h('dt', null, 'Id'),
      h('dd', null, view.id),
      h('dt', null, 'Status'),
      h('dd', { id: 'item-status' }, statusSlot),
      h('dt', null, 'Version'),
      h(
        'dd',
        null,
        view.versions
          .slice()
          .sort((a, b) => b - a)
          .map((x) =>
            x === v
              ? h('strong', { 'aria-current': 'page' }, `v${x} `)
              : h('a', { href: `#/item/${encodeURIComponent(id)}?v=${x}` }, `v${x} `),
          ),
      ),
      h('dt', null, 'Language'),
      h('dd', null, view.language),
      h('dt', null, 'Outlets'),
      h('dd', null, view.outlets.join(', ')),
      h('dt', null, 'Scheduled'),
      h('dd', { id: 'item-scheduled' }, time(view.scheduledAt)),
      h('dt', null, 'Submitted by'),
      h('dd', null, view.submittedBy, ' · ', time(view.createdAt)),
    ),
    view.halt
      ? h(
          'p',
          { class: 'banner warning' },
          `Halted (${label(view.halt.reason)}): ${view.halt.message}`,
        )
      : null,
    view.warnings.map((w) => h('p', { class: 'banner warning' }, w)),
    view.lastError
      ? h('p', { class: 'banner warning' }, `Last error: ${view.lastError.message}`)
      : null,
    notice,
    actions.element,
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { 'aria-labelledby': 'preview-title' },
        h('h2', { id: 'preview-title' }, 'As LinkedIn shows it'),
        preview.warnings.map((w) => h('p', { class: 'banner warning' }, w.message)),
        preview.outlets.map((o) => previewCard(o, session?.name ?? '')),
      ),
      h(
        'section',
        { 'aria-labelledby': 'source-title' },
        h('h2', { id: 'source-title' }, 'Source Markdown'),
        h('pre', { class: 'source', id: 'source-markdown', tabindex: '0' }, source.markdown),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'diff-title' },
      h('h2', { id: 'diff-title' }, previous ? `Changes since v${previous}` : 'Changes'),
      before
        ? diffView(before.markdown, source.markdown)
        : h('p', { class: 'muted' }, 'This is the first version: there is nothing to compare.'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'audit-title' },
      h('h2', { id: 'audit-title' }, 'Audit trail'),
      audit
        ? auditList(audit.items)
        : h('p', { class: 'muted' }, 'The audit trail is unavailable.'),
    ),
  );
  main.focus();

  const refresh = async () => {
    const [now] = await Promise.all([
      api<ContentView>('GET', `${base}?version=${v}`),
      refreshBanners(banners),
    ]);
    if (now.status !== view.status || now.scheduledAt !== view.scheduledAt) {
      view = now;
      replace(statusSlot, badge(now.status));
      replace(document.getElementById('item-scheduled') as HTMLElement, time(now.scheduledAt));
      actions.update(now.status);
    }
  };
  await refreshBanners(banners).catch(onBackgroundError);
  every(refresh);
}

function previewCard(outlet: Preview['outlets'][number], viewer: string): HTMLElement {
  const over = outlet.length > outlet.limit;
  const body = h('div', { class: 'post-text', 'data-commentary': outlet.text });
  for (const piece of parseLittleText(outlet.text)) {
    if (piece.kind === 'text') body.append(piece.text);
    else if (piece.kind === 'hashtag')
      body.append(
        h(
          'a',
          { href: hashtagUrl(piece.tag), rel: 'noopener noreferrer', target: '_blank' },
          `#${piece.tag}`,
        ),
      );
    else if (piece.kind === 'mention')
      body.append(
        h(
          'a',
          {
            href: mentionUrl(piece.urn),
            rel: 'noopener noreferrer',
            target: '_blank',
            class: 'mention',
          },
          piece.name,
        ),
      );
    else
      body.append(
        h('a', { href: piece.url, rel: 'noopener noreferrer', target: '_blank' }, piece.url),
      );
  }
  return h(
    'article',
    { class: 'post', 'aria-label': `${outlet.outlet} preview` },
    h(
      'header',
      null,
      h(
        'span',
        { class: 'avatar', 'aria-hidden': 'true' },
        outlet.outlet.slice(0, 2).toUpperCase(),
      ),
      h(
        'span',
        null,
        h('strong', null, 'Your LinkedIn page'),
        h('span', { class: 'muted small' }, ` · ${outlet.outlet}, seen by ${viewer}`),
      ),
    ),
    body,
    h(
      'p',
      { class: `count${over ? ' over' : ''}`, id: `count-${outlet.outlet}` },
      `${outlet.length.toLocaleString('en-US')} / ${outlet.limit.toLocaleString('en-US')} characters`,
      over ? ' — too long: LinkedIn would refuse it' : '',
    ),
  );
}

function diffView(before: string, after: string): HTMLElement | HTMLElement[] {
  const { lines, note } = diffLines(before, after);
  if (lines.every((l) => l.kind === 'same')) return h('p', { class: 'muted' }, 'No changes.');
  const pre = h(
    'pre',
    { class: 'diff', tabindex: '0', 'aria-label': 'Line differences' },
    lines.map((l) =>
      l.kind === 'same'
        ? h('span', { class: 'same' }, `  ${l.text}\n`)
        : l.kind === 'added'
          ? h('ins', null, h('span', { class: 'visually-hidden' }, 'added: '), `+ ${l.text}\n`)
          : h('del', null, h('span', { class: 'visually-hidden' }, 'removed: '), `- ${l.text}\n`),
    ),
  );
  return note ? [h('p', { class: 'muted', id: 'diff-note' }, note), pre] : pre;
}

/** ` (v2)` for an entry about one version's workflow (`content:<id>:v2`). */
function versionOf(workflowId: string | null): string {
  const version = /:v(\d+)$/.exec(workflowId ?? '')?.[1];
  return version ? ` (v${version})` : '';
}

function auditList(items: AuditEntry[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, 'No entries yet.');
  return h(
    'ol',
    { class: 'audit' },
    items.map((e) =>
      h(
        'li',
        null,
        time(e.at),
        ' — ',
        h('strong', null, e.action),
        versionOf(e.workflowId),
        ` by ${e.actor}`,
        e.fromStatus || e.toStatus
          ? ` (${label(e.fromStatus ?? '—')} → ${label(e.toStatus ?? '—')})`
          : '',
        e.reason ? h('div', { class: 'muted small' }, e.reason) : null,
      ),
    ),
  );
}

// ---- decisions -----------------------------------------------------------------------------

function actionForms(
  view: ContentView,
  preview: Preview,
  notice: HTMLElement,
): { element: HTMLElement; update: (status: string) => void } {
  const base = `/v1/content/${encodeURIComponent(view.id)}`;
  const q = `?version=${view.version}`;
  const controls: {
    action: 'approve' | 'reject' | 'reschedule';
    fields: (HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLButtonElement)[];
    why: HTMLElement;
  }[] = [];

  const say = (text: string, kind: 'ok' | 'error') => {
    replace(
      notice,
      h(
        'p',
        { class: kind === 'ok' ? 'ok' : 'error', role: kind === 'ok' ? 'status' : 'alert' },
        text,
      ),
    );
  };
  const run = async (
    button: HTMLButtonElement,
    work: () => Promise<{ status: string }>,
    done: string,
  ) => {
    button.disabled = true;
    try {
      const result = await work();
      say(`${done} Status: ${label(result.status)}.`, 'ok');
      update(result.status);
    } catch (error) {
      say(readable(error), 'error');
      if (error instanceof ApiError && error.status === 409) {
        const now = await api<ContentView>('GET', `${base}${q}`).catch(() => null);
        if (now) {
          update(now.status);
          replace(document.getElementById('item-status') as HTMLElement, badge(now.status));
        }
      } else update(currentStatus);
    }
  };
  let currentStatus = view.status;

  const group = (
    action: 'approve' | 'reject' | 'reschedule',
    title: string,
    fields: Child[],
    button: HTMLButtonElement,
    inputs: (HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement)[],
  ) => {
    const why = h('p', { class: 'why', id: `${action}-why` });
    button.setAttribute('aria-describedby', `${action}-why`);
    controls.push({ action, fields: [...inputs, button], why });
    return h(
      'form',
      {
        class: `card action action-${action}`,
        'aria-label': title,
        novalidate: true,
        onsubmit: (e: Event) => e.preventDefault(),
      },
      h('h3', null, title),
      fields,
      h('div', { class: 'buttons' }, button),
      why,
    );
  };

  // approve
  const note = h('textarea', { id: 'approve-note', rows: 2, maxlength: 2000 });
  const approve = h(
    'button',
    { type: 'submit', class: 'primary', id: 'approve-button' },
    `Approve v${view.version}`,
  );
  approve.addEventListener(
    'click',
    () =>
      void run(
        approve,
        () =>
          api('POST', `${base}/approve${q}`, {
            contentHash: preview.contentHash,
            ...(note.value.trim() ? { note: note.value.trim() } : {}),
          }),
        'Approved: it will be published as scheduled.',
      ),
  );

  // reject
  const reason = h('textarea', {
    id: 'reject-reason',
    rows: 2,
    maxlength: 2000,
    required: true,
    'aria-required': 'true',
  });
  const reject = h('button', { type: 'submit', class: 'danger', id: 'reject-button' }, 'Reject');
  reject.addEventListener('click', () => {
    if (!reason.value.trim()) {
      say('A reason is required to reject: the author sees it.', 'error');
      reason.focus();
      return;
    }
    void run(
      reject,
      () => api('POST', `${base}/reject${q}`, { reason: reason.value.trim() }),
      'Rejected.',
    );
  });

  // reschedule
  const zoneSelect = h(
    'select',
    { id: 'reschedule-zone' },
    zones().map((z) => h('option', { value: z }, z)),
  );
  zoneSelect.value = localZone();
  const when = h('input', { id: 'reschedule-at', type: 'datetime-local', required: true });
  if (view.scheduledAt) when.value = instantToZoned(view.scheduledAt, zoneSelect.value);
  const utcHint = h('p', { class: 'muted small', id: 'reschedule-utc', 'aria-live': 'polite' });
  const showUtc = () => {
    const instant = zonedToInstant(when.value, zoneSelect.value);
    utcHint.textContent = instant
      ? `That is ${formatUtc(instant)} (${formatLocal(instant)} for you).`
      : 'Pick a date and time.';
  };
  when.addEventListener('input', showUtc);
  zoneSelect.addEventListener('change', showUtc);
  showUtc();
  const reschedule = h(
    'button',
    { type: 'submit', class: 'secondary', id: 'reschedule-button' },
    'Reschedule',
  );
  reschedule.addEventListener('click', () => {
    const instant = zonedToInstant(when.value, zoneSelect.value);
    if (!instant) {
      say('Pick a date and a time first.', 'error');
      when.focus();
      return;
    }
    void run(
      reschedule,
      () => api('POST', `${base}/reschedule${q}`, { scheduled: instant, zone: zoneSelect.value }),
      `Rescheduled to ${formatUtc(instant)}.`,
    );
  });

  const element = h(
    'section',
    { class: 'actions', 'aria-labelledby': 'actions-title' },
    h('h2', { id: 'actions-title' }, 'Decision'),
    h(
      'div',
      { class: 'action-grid' },
      group(
        'approve',
        'Approve',
        [h('label', { for: 'approve-note' }, 'Note (optional)'), note],
        approve,
        [note],
      ),
      group(
        'reject',
        'Reject',
        [h('label', { for: 'reject-reason' }, 'Reason (required)'), reason],
        reject,
        [reason],
      ),
      group(
        'reschedule',
        'Reschedule',
        [
          h('label', { for: 'reschedule-at' }, 'New date and time'),
          when,
          h('label', { for: 'reschedule-zone' }, 'Time zone'),
          zoneSelect,
          utcHint,
        ],
        reschedule,
        [when, zoneSelect],
      ),
    ),
  );

  function update(status: string): void {
    currentStatus = status;
    for (const c of controls) {
      const why = whyNot(c.action, status);
      for (const f of c.fields) f.disabled = why !== null;
      c.why.textContent = why ?? '';
    }
  }
  update(view.status);
  return { element, update };
}

// ---- routing -------------------------------------------------------------------------------

function route(): void {
  if (!session) {
    signInPage();
    return;
  }
  const hash = location.hash.replace(/^#/, '') || '/';
  const item = /^\/item\/([^?]+)(?:\?v=(\d+))?$/.exec(hash);
  if (item) void itemPage(decodeURIComponent(item[1] ?? ''), item[2] ? Number(item[2]) : undefined);
  else void queuePage();
}

async function start(): Promise<void> {
  try {
    session = await api<Session>('GET', '/v1/session');
    setCsrfToken(session.csrfToken);
  } catch {
    session = null;
  }
  window.addEventListener('hashchange', route);
  route();
}

void start();
