/// <reference lib="dom" />
// The frame of every signed-in page: header, banners (kill switch, LinkedIn), operator tools.
import { api, readable, setCsrfToken } from './api';
import { h, replace, uid, type Child } from './dom';
import { app, label } from './state';
import { formatLocal, formatUtc } from './time';
import type { KillSwitch, LinkedInStatus, Session } from './types';

export function time(iso: string | null): Child {
  if (!iso) return h('span', { class: 'muted' }, 'not scheduled (on approval)');
  return h('time', { datetime: iso, title: formatUtc(iso) }, formatLocal(iso));
}

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, label(status));
}

export function shell(): { main: HTMLElement; banners: HTMLElement } {
  const banners = h('div', { class: 'banners', 'aria-live': 'polite' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const user = app.session as Session;
  replace(
    app.root,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, 'Stargue review'),
      h(
        'nav',
        { 'aria-label': 'Main' },
        h('a', { href: '#/' }, 'Queue'),
        h('a', { href: '#/channels' }, 'Channels'),
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

export async function refreshBanners(banners: HTMLElement): Promise<void> {
  const [kill, linkedin] = await Promise.all([
    api<KillSwitch>('GET', '/v1/kill-switch'),
    api<LinkedInStatus>('GET', '/v1/outlets/linkedin/status'),
  ]);
  const operator = app.session?.role === 'operator';
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
            : 'A LinkedIn channel needs re-authorization. ',
        ),
        'Its posts wait until the account is reconnected. ',
        operator
          ? h('a', { href: '#/channels' }, 'Open channels to reconnect')
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
    h('a', { href: '#/channels' }, 'Connect or reconnect accounts'),
    dialog,
  );
}

async function signOut(): Promise<void> {
  try {
    await api('DELETE', '/v1/session');
  } finally {
    app.session = null;
    setCsrfToken('');
    location.hash = '#/';
    app.signIn('You are signed out.');
  }
}
