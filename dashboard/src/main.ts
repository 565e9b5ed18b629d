import './styles.css';
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
route();
