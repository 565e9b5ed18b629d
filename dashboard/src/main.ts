import './styles.css';
import { authHeaders, savedToken } from './api';
import { clear } from './dom';
import { renderStudyList } from './views/study-list';
import { renderStudyPage } from './views/study-page';

const BASE = '/dashboard';
const app = document.getElementById('app')!;
let dispose: (() => void) | null = null;

/** `/dashboard/` lists the studies; `/dashboard/studies/<id or name>` shows one. */
function route(): void {
  dispose?.();
  clear(app);
  document.title = 'Tuneforge dashboard';
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  const study = /^\/studies\/([^/]+)\/?$/.exec(path);
  dispose = study ? renderStudyPage(app, decodeURIComponent(study[1])) : renderStudyList(app);
}

// Links inside the app change the page without reloading it (the back button still works).
document.addEventListener('click', (e) => {
  const link = (e.target as Element).closest('a[data-link]');
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  route();
});
window.addEventListener('popstate', route);

// A plain link sends no Authorization header: where reads need the token (TUNEFORGE_PUBLIC_READ=0), links
// marked data-token-link (the CSV export, /metrics) fetch with the saved token and open what came back.
document.addEventListener('click', (e) => {
  const link = (e.target as Element).closest('a[data-token-link]');
  if (!(link instanceof HTMLAnchorElement) || e.defaultPrevented || savedToken() === null) return;
  e.preventDefault();
  void openWithToken(link);
});

async function openWithToken(link: HTMLAnchorElement): Promise<void> {
  const res = await fetch(link.href, { headers: authHeaders() });
  if (!res.ok) {
    window.alert(`${link.pathname}: ${res.status} ${await res.text()}`);
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  const opened = Object.assign(document.createElement('a'), { href: url, target: '_blank' });
  if (link.download) opened.download = link.download;
  opened.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
route();
