import { saveToken } from '../api';
import { h } from '../dom';

/** Shown when the API answers 401: this deployment needs the token for reads (TUNEFORGE_PUBLIC_READ=0). */
export function tokenForm(onSaved: () => void): HTMLElement {
  const input = h('input', {
    type: 'password',
    name: 'token',
    placeholder: 'API token',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'token-form' },
    h('p', {}, 'This platform needs its API token to show studies.'),
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
