/// <reference lib="dom" />
// One item: its facts, halts and warnings, the decisions, the preview as LinkedIn will show it,
// the source Markdown, the diff against the previous version and the audit trail.
import { api, readable } from './api';
import { actionForms } from './decisions';
import { diffLines } from './diff';
import { h, replace } from './dom';
import { previewCard } from './preview';
import { badge, refreshBanners, shell, time } from './shell';
import { app, every, label, onBackgroundError } from './state';
import type { AuditEntry, ContentView, Preview } from './types';

export async function itemPage(id: string, version: number | undefined): Promise<void> {
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
      h('dt', null, 'Channels'),
      h('dd', { id: 'item-channels' }, channelList(view.channels)),
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
        h(
          'h2',
          { id: 'preview-title' },
          preview.outlets.every((o) => o.outlet === 'linkedin')
            ? 'As LinkedIn shows it'
            : 'As each network shows it',
        ),
        preview.warnings.map((w) => h('p', { class: 'banner warning' }, w.message)),
        preview.outlets.map((o) => previewCard(o, app.session?.name ?? '')),
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
    replace(document.getElementById('item-channels') as HTMLElement, channelList(now.channels));
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

/** Each outlet and channel the item goes to, how it stands, and the post once it is out. */
function channelList(channels: ContentView['channels']): HTMLElement {
  return h(
    'ul',
    { class: 'channels' },
    channels.map((c) =>
      h(
        'li',
        null,
        `${c.channel ? `${c.outlet}:${c.channel}` : c.outlet} `,
        h('span', { class: `badge channel-${c.status}` }, label(c.status)),
        c.reason ? ` ${c.reason}` : '',
        c.url ? [' ', h('a', { href: c.url, rel: 'noopener noreferrer' }, 'view post')] : '',
      ),
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
