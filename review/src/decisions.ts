/// <reference lib="dom" />
// Approve, reject and reschedule: each form says why it is disabled when the status forbids it.
import { allows } from '../../contracts/phases';
import { PUBLISH_STATUSES, type PublishStatus } from '../../contracts/workflow';
import { api, ApiError, readable } from './api';
import { h, replace, type Child } from './dom';
import { badge } from './shell';
import { label } from './state';
import { formatLocal, formatUtc, instantToZoned, localZone, zonedToInstant, zones } from './time';
import type { ContentView, Preview } from './types';

/** Why `action` is off for an item in `status` (the phase rules are contracts/phases.ts's). */
function whyNot(action: 'approve' | 'reject' | 'reschedule', status: string): string | null {
  const known = (PUBLISH_STATUSES as readonly string[]).includes(status);
  const position = { status: status as PublishStatus, phase: status as PublishStatus };
  if (known && allows(action, position)) return null;
  if (action === 'reschedule') {
    return status === 'publishing'
      ? 'Publishing has started: the time can no longer change.'
      : `This version is ${label(status)}: only items awaiting approval or scheduled can be rescheduled.`;
  }
  return status === 'draft'
    ? 'This version is a draft: it is never sent for approval.'
    : `This version is ${label(status)}: only items awaiting approval can be ${action === 'approve' ? 'approved' : 'rejected'}.`;
}

export function actionForms(
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
