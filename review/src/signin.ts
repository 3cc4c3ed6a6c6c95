/// <reference lib="dom" />
// Sign-in: an API key exchanged once for a session cookie.
import { api, ApiError, readable, setCsrfToken } from './api';
import { h, replace } from './dom';
import { app, stopRefresh } from './state';
import type { Session } from './types';

export function signInPage(message?: string): void {
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
          app.session = await api<Session>('POST', '/v1/session', { apiKey: key.value.trim() });
          setCsrfToken(app.session.csrfToken);
          key.value = '';
          app.route();
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
  replace(app.root, h('main', { id: 'main', tabindex: '-1' }, form));
  key.focus();
}
