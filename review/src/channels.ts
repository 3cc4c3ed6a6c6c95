/// <reference lib="dom" />
// Channels: every connected account. Editors see the list; operators connect LinkedIn (through
// the authorize redirect) and Bluesky (an app password), rename, disable or enable, set the
// default, and reconnect.
import { api, readable } from './api';
import { h, replace, uid, type Child } from './dom';
import { refreshBanners, shell, time } from './shell';
import { OUTLET_LABELS } from './outlets';
import { app, every, onBackgroundError } from './state';
import type { Channel } from './types';

export async function channelsPage(): Promise<void> {
  const { main, banners } = shell();
  const operator = app.session?.role === 'operator';
  const notice = h('div', { 'aria-live': 'polite' });
  const list = h('div', { class: 'channels' });
  replace(
    main,
    h('h1', null, 'Channels'),
    h(
      'p',
      { class: 'muted' },
      'Each channel is one connected account. Content names them in its frontmatter: ',
      h('code', null, 'outlets: [linkedin, bluesky:name]'),
      ' — an outlet alone means its default channel.',
    ),
    notice,
    list,
    operator
      ? connectForms(notice, () => load())
      : h('p', { class: 'muted' }, 'Only operators can connect or change channels.'),
  );
  main.focus();

  const say = (text: string, kind: 'ok' | 'error') =>
    replace(notice, h('p', { class: kind, role: kind === 'ok' ? 'status' : 'alert' }, text));

  async function load(): Promise<void> {
    const { items } = await api<{ items: Channel[] }>('GET', '/v1/channels');
    renderList(
      list,
      items,
      operator,
      async (channel, change, done) => {
        try {
          await api('PATCH', channelPath(channel), change);
          say(done, 'ok');
          await load();
        } catch (error) {
          say(readable(error), 'error');
        }
      },
      say,
    );
  }
  try {
    await Promise.all([load(), refreshBanners(banners)]);
  } catch (error) {
    onBackgroundError(error);
    replace(list, h('p', { class: 'error', role: 'alert' }, readable(error)));
  }
  // The list refreshes, except while a dialog in it is open; the forms below keep their input.
  every(async () => {
    const editing = document.querySelector('dialog[open]') !== null;
    await Promise.all([editing ? undefined : load(), refreshBanners(banners)]);
  });
}

const channelPath = (c: Channel) => `/v1/channels/${c.outlet}/${encodeURIComponent(c.name)}`;

type Change = (channel: Channel, change: Record<string, unknown>, done: string) => Promise<void>;

function renderList(
  list: HTMLElement,
  items: Channel[],
  operator: boolean,
  change: Change,
  say: (text: string, kind: 'ok' | 'error') => void,
): void {
  if (items.length === 0) {
    replace(list, h('p', { class: 'empty' }, 'No account is connected yet.'));
    return;
  }
  const head = ['Outlet', 'Channel', 'Posts as', 'State', 'Rate limited until'];
  if (operator) head.push('Actions');
  replace(
    list,
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Channels by outlet'),
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
        items.map((c) =>
          h(
            'tr',
            { 'data-channel': `${c.outlet}:${c.name}` },
            h('td', { 'data-label': 'Outlet' }, OUTLET_LABELS[c.outlet] ?? c.outlet),
            h(
              'td',
              { 'data-label': 'Channel' },
              h('strong', null, c.name),
              c.default ? h('span', { class: 'badge status-published' }, 'default') : null,
              h('div', { class: 'muted small' }, c.displayName),
            ),
            h(
              'td',
              { 'data-label': 'Posts as' },
              c.handle ? `@${c.handle}` : c.account,
              h('div', { class: 'muted small' }, c.kind),
            ),
            h('td', { 'data-label': 'State' }, stateOf(c)),
            h(
              'td',
              { 'data-label': 'Rate limited until' },
              c.rateLimitedUntil ? time(c.rateLimitedUntil) : '—',
            ),
            operator ? h('td', { 'data-label': 'Actions' }, actions(c, change, say)) : null,
          ),
        ),
      ),
    ),
  );
}

function stateOf(c: Channel): Child {
  if (c.disabled) return h('span', { class: 'badge status-halted' }, 'disabled');
  if (c.status === 'reauth_required') {
    return [
      h('span', { class: 'badge status-failed' }, 'needs reconnecting'),
      c.reauthReason ? h('div', { class: 'muted small' }, c.reauthReason) : null,
    ];
  }
  return h('span', { class: 'badge' }, 'active');
}

function actions(c: Channel, change: Change, say: (t: string, k: 'ok' | 'error') => void): Child {
  const button = (text: string, onclick: () => void, cls = 'secondary') =>
    h('button', { type: 'button', class: cls, onclick }, text);
  return h(
    'div',
    { class: 'buttons' },
    !c.default && !c.disabled
      ? button(
          'Make default',
          () =>
            void change(
              c,
              { default: true },
              `${c.name} is now the ${OUTLET_LABELS[c.outlet]} default.`,
            ),
        )
      : null,
    c.disabled
      ? button('Enable', () => void change(c, { disabled: false }, `${c.name} is enabled.`))
      : button(
          'Disable',
          () =>
            void change(c, { disabled: true }, `${c.name} is disabled: new items may not name it.`),
          'danger',
        ),
    editDialog(c, change),
    c.outlet === 'linkedin'
      ? h(
          'a',
          { href: `/v1/oauth/linkedin/authorize?channel=${encodeURIComponent(c.name)}` },
          'Reconnect',
        )
      : reconnectDialog(c, say),
  );
}

/** A button opening a small form in a dialog. */
function dialogButton(
  text: string,
  title: string,
  fields: Child[],
  submit: (error: HTMLElement, close: () => void) => Promise<void>,
): Child {
  const id = uid('dialog');
  const errorBox = h('p', { class: 'error', role: 'alert' });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': `${id}-title` },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: (event: Event) => {
          event.preventDefault();
          errorBox.textContent = '';
          void submit(errorBox, () => dialog.close());
        },
      },
      h('h2', { id: `${id}-title` }, title),
      fields,
      errorBox,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary' }, 'Save'),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => dialog.close() },
          'Cancel',
        ),
      ),
    ),
  );
  return [
    h('button', { type: 'button', class: 'secondary', onclick: () => dialog.showModal() }, text),
    dialog,
  ];
}

function field(labelText: string, input: HTMLInputElement): Child[] {
  input.id ||= uid('field');
  return [h('label', { for: input.id }, labelText), input];
}

function editDialog(c: Channel, change: Change): Child {
  const name = h('input', { value: c.name, required: true, maxlength: 63, spellcheck: 'false' });
  const displayName = h('input', { value: c.displayName, required: true, maxlength: 200 });
  return dialogButton(
    'Rename…',
    `Rename ${c.name}`,
    [...field('Name (used in frontmatter)', name), ...field('Display name', displayName)],
    async (_error, close) => {
      close();
      await change(
        c,
        { name: name.value.trim(), displayName: displayName.value.trim() },
        `Saved. Items already submitted keep publishing to this channel; new ones use ${name.value.trim()}.`,
      );
    },
  );
}

function reconnectDialog(c: Channel, say: (t: string, k: 'ok' | 'error') => void): Child {
  const password = h('input', {
    type: 'password',
    autocomplete: 'off',
    required: true,
    placeholder: 'xxxx-xxxx-xxxx-xxxx',
  });
  return dialogButton(
    'Reconnect…',
    `New app password for ${c.name}`,
    field('App password', password),
    async (error, close) => {
      try {
        await api('PUT', `${channelPath(c)}/credentials`, { appPassword: password.value.trim() });
        password.value = '';
        close();
        say(`${c.name} is reconnected; items waiting for it continue.`, 'ok');
      } catch (e) {
        error.textContent = readable(e);
      }
    },
  );
}

function connectForms(notice: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const say = (text: string, kind: 'ok' | 'error') =>
    replace(notice, h('p', { class: kind, role: kind === 'ok' ? 'status' : 'alert' }, text));

  const liName = h('input', {
    id: 'linkedin-channel',
    maxlength: 63,
    spellcheck: 'false',
    placeholder: 'e.g. jane or acme-page',
  });
  const liOrg = h('input', {
    id: 'linkedin-organization',
    spellcheck: 'false',
    placeholder: 'urn:li:organization:…',
  });
  const linkedin = h(
    'form',
    {
      class: 'card',
      'aria-label': 'Connect a LinkedIn account',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const query = new URLSearchParams();
        if (liName.value.trim()) query.set('channel', liName.value.trim());
        if (liOrg.value.trim()) query.set('organization', liOrg.value.trim());
        const search = query.toString();
        location.assign(`/v1/oauth/linkedin/authorize${search ? `?${search}` : ''}`);
      },
    },
    h('h2', null, 'Connect LinkedIn'),
    h(
      'p',
      { class: 'muted small' },
      'You sign in to LinkedIn as the member; the channel posts as them, or as a page they administer. An existing name reconnects that channel.',
    ),
    ...field('Channel name (optional: named after the member)', liName),
    ...field('Page URN (optional)', liOrg),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Continue to LinkedIn'),
    ),
  );

  const bsIdentifier = h('input', {
    id: 'bluesky-identifier',
    required: true,
    spellcheck: 'false',
    placeholder: 'name.bsky.social',
  });
  const bsPassword = h('input', {
    id: 'bluesky-app-password',
    type: 'password',
    autocomplete: 'off',
    required: true,
    placeholder: 'xxxx-xxxx-xxxx-xxxx',
  });
  const bsName = h('input', { id: 'bluesky-name', maxlength: 63, spellcheck: 'false' });
  const bsService = h('input', {
    id: 'bluesky-service',
    spellcheck: 'false',
    placeholder: 'https://bsky.social',
  });
  const connect = h('button', { type: 'submit', class: 'primary' }, 'Connect Bluesky');
  const bluesky = h(
    'form',
    {
      class: 'card',
      'aria-label': 'Connect a Bluesky account',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        connect.disabled = true;
        try {
          const created = await api<Channel>('POST', '/v1/channels', {
            outlet: 'bluesky',
            identifier: bsIdentifier.value.trim(),
            appPassword: bsPassword.value.trim(),
            ...(bsName.value.trim() ? { name: bsName.value.trim() } : {}),
            ...(bsService.value.trim() ? { service: bsService.value.trim() } : {}),
          });
          bsPassword.value = '';
          say(`Connected @${created.handle ?? created.name} as channel ${created.name}.`, 'ok');
          await reload();
        } catch (error) {
          say(readable(error), 'error');
        } finally {
          connect.disabled = false;
        }
      },
    },
    h('h2', null, 'Connect Bluesky'),
    h(
      'p',
      { class: 'muted small' },
      'Use an app password (Bluesky: Settings → Privacy and security → App passwords), never the account password. It is checked once and stored encrypted.',
    ),
    ...field('Handle or DID', bsIdentifier),
    ...field('App password', bsPassword),
    ...field('Channel name (optional: the handle)', bsName),
    ...field('Server (optional)', bsService),
    h('div', { class: 'buttons' }, connect),
  );
  return h(
    'section',
    { class: 'action-grid', 'aria-label': 'Connect an account' },
    linkedin,
    bluesky,
  );
}
