/// <reference lib="dom" />
// The queue: items by status, newest first, refreshed every few seconds.
import { api, readable } from './api';
import { h, replace } from './dom';
import { badge, refreshBanners, shell, time } from './shell';
import { every, label, onBackgroundError, STATUSES } from './state';
import type { Summary } from './types';

let queueStatus = 'awaiting_approval';

export async function queuePage(): Promise<void> {
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
