import { savedToken, saveToken } from '../api';
import { h } from '../dom';

/** Shown when the API answers 401: this deployment needs the token for reads (TUNEFORGE_PUBLIC_READ=0). */
export function tokenForm(onSaved: () => void): HTMLElement {
  // A token saved in this tab and answered 401 all the same is a wrong one: say so, and forget it.
  const refused = savedToken() !== null;
  if (refused) saveToken(null);
  const input = h('input', {
    type: 'password',
    name: 'token',
    placeholder: 'API token',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'token-form' },
    h(
      'p',
      refused ? { class: 'error', 'data-testid': 'token-refused' } : {},
      refused
        ? 'The API refused that token: enter the one the platform runs with (TUNEFORGE_API_TOKEN).'
        : 'This platform needs its API token to show studies.',
    ),
    input,
    h('button', { type: 'submit' }, 'Open'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveToken(input.value.trim() || null);
    onSaved();
  });
  return form;
}
