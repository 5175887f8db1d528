// The request journal (GET /_chime-local/requests), newest first, filtered.
import { api, h, json, onSubmit, table } from '../lib.mjs';

export const id = 'journal';
export const title = 'Journal';

let filter = { operation: '', status: '', bearer: '' };

export async function render(el) {
  const form = h('form', { name: 'journal', 'aria-label': 'Journal filters' },
    h('label', {}, 'Operation', h('input', { id: 'journal-operation', name: 'operation', value: filter.operation, placeholder: 'SendChannelMessage' })),
    h('label', {}, 'Status', h('input', { id: 'journal-status', name: 'status', value: filter.status, placeholder: '400', inputmode: 'numeric', size: 5 })),
    h('label', {}, 'Bearer', h('input', { id: 'journal-bearer', name: 'bearer', value: filter.bearer, placeholder: 'AppInstanceUser ARN', size: 30 })),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
    h('button', { type: 'button', onclick: async () => { await api('requests', { method: 'DELETE' }); el.dispatchEvent(new Event('inspector-refresh', { bubbles: true })); } }, 'Clear journal'));
  onSubmit(form, async (data) => {
    filter = { operation: data.get('operation').trim(), status: data.get('status').trim(), bearer: data.get('bearer').trim() };
    el.dispatchEvent(new Event('inspector-refresh', { bubbles: true }));
  });
  el.append(h('h2', {}, 'Request journal'), form);
  const q = new URLSearchParams({ limit: '200' });
  if (filter.operation) q.set('operation', filter.operation);
  if (filter.status) q.set('status', filter.status);
  if (filter.bearer) q.set('bearer', filter.bearer);
  const { requests } = await api(`requests?${q}`);
  el.append(table('Requests', [
    { title: 'Time', cell: (r) => r.time.replace('T', ' ').replace('Z', '') },
    { title: 'Operation', cell: (r) => r.operation },
    { title: 'Status', cell: (r) => String(r.status) },
    { title: 'Error', cell: (r) => (r.errorType ? `${r.errorType}: ${r.errorMessage}` : '') },
    { title: 'Latency', cell: (r) => `${r.latencyMs.toFixed(1)} ms` },
    { title: 'Bearer', class: 'arn', cell: (r) => r.bearer ?? '' },
    { title: 'Request', cell: (r) => json(r.requestId, r.input) },
    { title: 'Response', cell: (r) => (r.output === undefined ? '' : json('body', r.output)) },
  ], requests, 'none (matching).'));
}
