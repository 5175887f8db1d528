// Small helpers every view shares: DOM building, the control API, formatting.

/** h('td', {class: 'arn'}, 'text', childNode, ...): an element; attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Calls a control endpoint; throws an Error with the emulator's message on a non-2xx answer. */
export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = body instanceof Blob ? body : JSON.stringify(body);
    init.headers['Content-Type'] = body instanceof Blob ? 'application/octet-stream' : 'application/json';
  }
  const r = await fetch(`/_chime-local/${path}`, init);
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try { const e = await r.json(); message = e.Message || e.message || message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return raw ? r : r.json();
}

/** "2026-12-06 20:18:04" (local time) from epoch seconds or an ISO string. */
export function time(t) {
  if (t === undefined || t === null) return '';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A table: columns [{title, cell: (row) => node|string, class}], or a "none" line when rows is empty. */
export function table(caption, columns, rows, empty = 'None.') {
  if (!rows.length) return h('p', { class: 'muted' }, `${caption}: ${empty}`);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.class }, c.cell(r)))))));
}

/** A collapsed JSON block. */
export function json(summary, value) {
  return h('details', {}, h('summary', {}, summary), h('pre', {}, JSON.stringify(value, null, 2)));
}

/** A link to another view: #/<view>?<params>. */
export function link(text, view, params = {}) {
  return h('a', { href: `#/${view}?${new URLSearchParams(params)}` }, text);
}

/** Runs `fn` on submit (no page load) and shows its error next to the form. */
export function onSubmit(form, fn) {
  const out = h('span', { class: 'error', role: 'alert' });
  form.append(out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.textContent = '';
    try { await fn(new FormData(form)); } catch (err) { out.textContent = err.message; }
  });
  return form;
}

/** Asks the page to render the current view again (after an action). */
export function refresh(el) {
  el.dispatchEvent(new Event('inspector-refresh', { bubbles: true }));
}
