// The inspector page: a list of views (views.mjs), one shown at a time by the
// URL hash (#/<view>?<params>), reloaded when GET /_chime-local/changes says
// something changed. It polls only while the page is visible, so an emulator
// with no open page does no work for it.
import { h } from './lib.mjs';
import { views } from './views.mjs';

const nav = document.getElementById('nav');
const main = document.getElementById('view');
const live = document.getElementById('live');
let current = null;  // {view, params, refresh}
let change = null;
let renders = 0;  // only the latest of overlapping renders reaches the screen

function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const view = views.find((v) => v.id === path) ?? views[0];
  return { view, params: Object.fromEntries(new URLSearchParams(query)) };
}

// Re-rendering keeps what the user typed and where the focus was (read just
// before the swap, so keys typed while the view loaded are kept too).
async function render(keepInputs) {
  const body = h('div');
  const mine = ++renders;
  try {
    await current.view.render(body, current.params);
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message));
  }
  if (mine !== renders) return;
  const saved = new Map();
  let focused = null;
  const key = (el) => `${el.form?.name ?? ''}/${el.name}`;
  if (keepInputs) {
    for (const el of main.querySelectorAll('input[name], select[name], textarea[name]')) {
      if (el.type !== 'file') saved.set(key(el), el.type === 'checkbox' ? el.checked : el.value);
    }
    if (document.activeElement?.id && main.contains(document.activeElement)) focused = document.activeElement.id;
  }
  main.replaceChildren(body);
  for (const el of main.querySelectorAll('input[name], select[name], textarea[name]')) {
    const v = saved.get(key(el));
    if (v === undefined || el.type === 'file') continue;
    if (el.type === 'checkbox') el.checked = v; else el.value = v;
  }
  if (focused) document.getElementById(focused)?.focus();
  main.dataset.change = String(change);
  main.dataset.view = current.view.id;  // rendered: what tests wait for
}

async function show() {
  const { view, params } = route();
  current = { view, params };
  document.title = `${view.title} - chime-local inspector`;
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.view === view.id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  await render(false);
}

async function poll() {
  if (document.visibilityState === 'visible') {
    try {
      const r = await fetch(`/_chime-local/changes?after=${change ?? 0}`);
      const { change: now } = await r.json();
      if (change !== null && now !== change) {
        change = now;
        await render(true);
      }
      change = now;
      live.textContent = '';
    } catch {
      live.textContent = 'chime-local is not answering';
    }
  }
  setTimeout(poll, 500);
}

nav.append(...views.filter((v) => v.menu !== false).map((v) => h('li', {}, h('a', { href: `#/${v.id}`, 'data-view': v.id }, v.title))));
// Views re-render themselves after an action (button, form) without waiting for the poll.
main.addEventListener('inspector-refresh', () => render(true));
window.addEventListener('hashchange', show);
await show();
poll();
