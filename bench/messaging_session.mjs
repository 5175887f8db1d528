// Messaging-session benchmark (by hand; README "Performance"): N WebSocket sessions in one
// channel, then
//   1. memory: the server's RSS before and after opening the sessions;
//   2. latency: messages sent with the REST API at a fixed rate, send-to-receive time at every
//      session (p50/p99 over all deliveries);
//   3. throughput: messages sent as fast as 8 concurrent senders go, deliveries per second.
// Usage (after `./scripts/setup.sh`, which npm-installs tests/js):
//   node bench/messaging_session.mjs [--bin build/chime-local] [--sessions 1000] [--rate 100]
//        [--seconds 10] [--burst 2000] [--plain 1]
// --plain 1 connects with ws:// instead of wss:// (same session code, no TLS on either side), to
// see what TLS costs; amazon-chime-sdk-js itself always uses wss://.
// It starts its own in-memory emulator. Sessions are plain `ws` clients (what the SDK uses under
// Node) so the client side stays cheap; the server cannot tell them from the SDK.
// --client c [--procs 2]: the sessions are held by bench/ws_load (C, epoll, OpenSSL on the socket;
// built next to the binary as build/ws_load) in --procs processes, so that on a 2-core machine the
// figures are the server's and not the client's.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'js', 'package.json'));
const WebSocket = require('ws');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const BIN = args.bin ?? path.join(here, '..', 'build', 'chime-local');
const SESSIONS = Number(args.sessions ?? 1000);
const RATE = Number(args.rate ?? 100);
const SECONDS = Number(args.seconds ?? 10);
const BURST = Number(args.burst ?? 2000);
const PLAIN = args.plain === '1';
const CLIENT = args.client ?? 'node';
const PROCS = Number(args.procs ?? 2);
const WS_LOAD = args['ws-load'] ?? path.join(path.dirname(BIN), 'ws_load');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --server bare: the yardstick, build/bare_broadcast (a bare Beast broadcast server, no TLS).
const BARE = args.server === 'bare';
const server = BARE
  ? spawn(path.join(path.dirname(BIN), 'bare_broadcast'), ['--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] })
  : spawn(BIN, ['--port', '0', '--in-memory', '--log-level', 'warn',
    '--max-connections', String(SESSIONS + 200), '--max-sessions-per-user', '10'], { stdio: ['ignore', 'pipe', 'ignore'] });
process.on('exit', () => server.kill('SIGKILL'));
process.on('unhandledRejection', (e) => { console.error(e); process.exit(1); });
const lines = createInterface({ input: server.stdout });
const { port, ca } = await new Promise((resolve) => {
  let p;
  lines.on('line', (l) => {
    const bare = /listening on port (\d+)/.exec(l);
    if (bare) resolve({ port: Number(bare[1]), ca: null });
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(l);
    if (m) p = Number(m[1]);
    const c = /TLS CA: (\S+)/.exec(l);
    if (c) resolve({ port: p, ca: readFileSync(c[1]) });
  });
});
if (BARE && (CLIENT !== 'c' || !PLAIN)) throw new Error('--server bare needs --client c --plain 1');
const base = `http://127.0.0.1:${port}`;
const cpuSeconds = () => {
  const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, in clock ticks of 10 ms
};
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;

async function call(method, url, body, bearer) {
  const headers = { 'content-type': 'application/json' };
  if (bearer) headers['x-amz-chime-bearer'] = bearer;
  const res = await fetch(base + url, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

const users = [];
let sender;
let channel;
if (BARE) {
  for (let i = 0; i < SESSIONS; i++) users.push(`u${i}`);
} else {
  const { AppInstanceArn: app } = await call('POST', '/app-instances', { Name: 'bench', ClientRequestToken: 'bench-app' });
  for (let i = 0; i < SESSIONS; i++) {
    const r = await call('POST', '/app-instance-users',
      { AppInstanceArn: app, AppInstanceUserId: `u${i}`, Name: `U${i}`, ClientRequestToken: `user-${i}` });
    users.push(r.AppInstanceUserArn);
  }
  console.error(`created ${users.length} users`);
  sender = users[0];
  ({ ChannelArn: channel } = await call('POST', '/channels',
    { AppInstanceArn: app, Name: 'bench', ClientRequestToken: 'bench-channel' }, sender));
  for (let i = 1; i < SESSIONS; i += 100) {
    await call('POST', `/channels/${encodeURIComponent(channel)}/memberships?operation=batch-create`,
      { MemberArns: users.slice(i, i + 100), Type: 'DEFAULT' }, sender);
  }
}

console.error('channel ready');
global.gc?.();
await sleep(500);
const rssBefore = rss();
const sent = new Map();  // seq -> send time (ms)
const latencies = [];
let delivered = 0;
let measuring = false;
// The sessions: `ws` clients in this process, or (--client c) bench/ws_load in --procs processes,
// which report deliveries and a latency histogram (50 us buckets) when asked.
const cClients = [];
let sockets = [];
if (CLIENT === 'c') {
  const usersFile = path.join(os.tmpdir(), `ws-load-users-${process.pid}.txt`);
  writeFileSync(usersFile, users.join('\n') + '\n');
  const per = Math.ceil(SESSIONS / PROCS);
  for (let p = 0; p < PROCS; p++) {
    const child = spawn(WS_LOAD, ['--port', String(port), '--users', usersFile, '--tls', PLAIN ? '0' : '1',
      '--first', String(p * per), '--count', String(per)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out = createInterface({ input: child.stdout });
    const waiting = [];
    out.on('line', (l) => waiting.shift()?.(l));
    const next = () => new Promise((r) => waiting.push(r));
    cClients.push({ child, next, ask: (cmd) => { child.stdin.write(cmd + '\n'); return cmd === 'report' ? next() : null; } });
  }
  process.on('exit', () => cClients.forEach((c) => c.child.kill('SIGKILL')));
  const ready = await Promise.all(cClients.map((c) => c.next()));
  sockets = { length: ready.reduce((n, l) => n + Number(l.split(' ')[1]), 0) };
} else {
  sockets = await Promise.all(users.map((u, i) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`${PLAIN ? 'ws' : 'wss'}://127.0.0.1:${port}/connect?userArn=${encodeURIComponent(u)}&sessionId=${i}`, { ca });
    ws.on('message', (data) => {
      const s = data.toString();
      if (s.includes('SESSION_ESTABLISHED')) return resolve(ws);
      const at = s.indexOf('bench-');
      if (at < 0) return;
      const seq = Number.parseInt(s.slice(at + 6), 10);
      delivered++;
      if (measuring) latencies.push(performance.now() - sent.get(seq));
    });
    ws.on('error', reject);
  })));
}
// What the C clients counted: deliveries, closes, and the merged latency histogram.
async function cReport() {
  const lines = await Promise.all(cClients.map((c) => c.ask('report')));
  let n = 0;
  let closed = 0;
  const hist = [];
  for (const l of lines) {
    const f = l.split(' ').slice(1, 3).map(Number);
    n += f[0];
    closed += f[1];
    for (const pair of l.split(' ').slice(3)) {
      const [i, v] = pair.split(':').map(Number);
      hist[i] = (hist[i] ?? 0) + v;
    }
  }
  return { n, closed, hist };
}
const histPct = (hist, total, p) => {
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i] ?? 0;
    if (seen >= (p / 100) * total) return ((i + 1) * 0.05).toFixed(2);
  }
  return '>10000';
};
await sleep(1000);
const rssAfter = rss();
console.log(`${PLAIN ? 'ws://' : 'wss://'} sessions: ${sockets.length}; server RSS ${rssBefore.toFixed(1)} MB -> ${rssAfter.toFixed(1)} MB ` +
  `(+${(rssAfter - rssBefore).toFixed(1)} MB, ${((rssAfter - rssBefore) * 1024 / SESSIONS).toFixed(1)} KB per session)`);

let seq = 0;
const send = async () => {
  const n = ++seq;
  sent.set(n, performance.now());
  const content = `bench-${n}-${Math.round((performance.timeOrigin + performance.now()) * 1000)}`;
  if (BARE) {
    await (await fetch(`${base}/broadcast`, { method: 'POST', body: content })).text();
    return;
  }
  await call('POST', `/channels/${encodeURIComponent(channel)}/messages`,
    { Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ClientRequestToken: `msg-${n}` }, sender);
};

// 1. Latency at a fixed rate.
measuring = true;
const total = RATE * SECONDS;
const start = performance.now();
const inflight = [];
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  inflight.push(send());
}
await Promise.all(inflight);
const want = total * SESSIONS;
if (CLIENT === 'c') {
  let r = await cReport();
  for (let t = 0; t < 200 && r.n < want; t++) { await sleep(50); r = await cReport(); }
  console.log(`latency at ${RATE} msg/s for ${SECONDS} s: ${r.n}/${want} deliveries, ` +
    `send-to-receive p50 ${histPct(r.hist, r.n, 50)} ms, p99 ${histPct(r.hist, r.n, 99)} ms (50 us buckets), ` +
    `${r.closed} sessions closed; RSS ${rss().toFixed(1)} MB; C clients`);
  cClients.forEach((c) => c.ask('reset'));
} else {
  for (let t = 0; t < 200 && latencies.length < want; t++) await sleep(50);
  measuring = false;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  console.log(`latency at ${RATE} msg/s for ${SECONDS} s: ${latencies.length}/${want} deliveries, ` +
    `send-to-receive p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1).toFixed(2)} ms; RSS ${rss().toFixed(1)} MB`);
}

// 2. Throughput.
delivered = 0;
const burstStart = performance.now();
const cpuStart = cpuSeconds();
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < BURST) { next++; await send(); }
}));
const wantBurst = BURST * SESSIONS;
const deliveredNow = async () => (CLIENT === 'c' ? (await cReport()).n : delivered);
for (let t = 0; t < 600 && (await deliveredNow()) < wantBurst; t++) await sleep(50);
const secs = (performance.now() - burstStart) / 1000;
const got = await deliveredNow();
const cpu = cpuSeconds() - cpuStart;
console.log(`throughput: ${BURST} messages to ${SESSIONS} sessions, ${got}/${wantBurst} deliveries in ` +
  `${secs.toFixed(2)} s = ${Math.round(got / secs)} deliveries/s (${Math.round(BURST / secs)} messages/s); ` +
  `RSS ${rss().toFixed(1)} MB; server CPU ${cpu.toFixed(2)} s of those ${secs.toFixed(2)} s ` +
  `= ${((cpu * 1e6) / Math.max(got, 1)).toFixed(1)} us per delivery`);

if (CLIENT === 'c') cClients.forEach((c) => c.ask('quit'));
else for (const ws of sockets) ws.terminate();
server.kill('SIGTERM');
