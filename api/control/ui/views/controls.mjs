// Emulator-wide settings: throttling, the test clock, reset, snapshots.
import { api, h, onSubmit, refresh, time } from '../lib.mjs';

export const id = 'controls';
export const title = 'Clock, throttle, reset';

// What the last reset or restore did; kept across the re-render it causes.
let lastStatus = '';

export async function render(el) {
  const [throttle, clock] = await Promise.all([api('throttle'), api('clock')]);
  el.append(h('h2', {}, 'Throttling'),
    h('p', {}, `AWS quotas are ${throttle.enabled ? 'enforced' : 'not enforced'}. `,
      h('button', { type: 'button', id: 'throttle-toggle', onclick: async () => {
        await api('throttle', { method: 'POST', body: { enabled: !throttle.enabled } });
        refresh(el);
      } }, throttle.enabled ? 'Turn throttling off' : 'Turn throttling on')));

  const clockForm = h('form', { name: 'clock', 'aria-label': 'Advance the test clock' },
    h('label', {}, 'Seconds', h('input', { id: 'clock-seconds', name: 'seconds', inputmode: 'numeric', size: 10, required: true })),
    h('button', { type: 'submit', class: 'primary' }, 'Advance clock'),
    h('button', { type: 'button', onclick: async () => { await api('clock', { method: 'POST', body: { reset: true } }); refresh(el); } }, 'Back to real time'));
  onSubmit(clockForm, async (data) => {
    await api('clock', { method: 'POST', body: { advanceSeconds: Number(data.get('seconds')) } });
    clockForm.reset();
    refresh(el);
  });
  el.append(h('h2', {}, 'Test clock'),
    h('p', {}, `Now: ${time(clock.now)} (offset ${clock.offsetSeconds} s).`), clockForm);

  const status = h('p', { role: 'status' }, lastStatus);
  const file = h('input', { type: 'file', id: 'snapshot-file', name: 'snapshot', accept: '.sqlite3,application/vnd.sqlite3' });
  const upload = h('form', { name: 'snapshot', 'aria-label': 'Restore a snapshot' },
    h('label', {}, 'Snapshot file', file), h('button', { type: 'submit' }, 'Restore snapshot'));
  onSubmit(upload, async () => {
    if (!file.files.length) throw new Error('Choose a snapshot file first');
    await api('snapshot', { method: 'PUT', body: file.files[0] });
    lastStatus = `Snapshot ${file.files[0].name} restored.`;
    refresh(el);
  });
  el.append(h('h2', {}, 'Data'),
    h('p', {}, h('a', { href: '/_chime-local/snapshot', download: 'chime-local-snapshot.sqlite3' }, 'Download a snapshot'),
      ' of every tenant\'s data (a SQLite file).'),
    upload,
    h('p', {}, h('button', { type: 'button', class: 'danger', id: 'reset-all', onclick: async () => {
      await api('reset', { method: 'POST' });
      lastStatus = 'Everything was reset (and the --seed-file seed, if any, restored).';
      refresh(el);
    } }, 'Reset all data, faults and journal')),
    status);
}
