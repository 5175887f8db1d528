// The inspector page (GET /_chime-local/ui, docs/inspector.md) in headless Debian chromium
// (playwright-core): data made with the AWS SDK for JavaScript v3 shows up within 1 s; a pending
// channel-flow message is approved with an edit or denied from the page; a fault added in the page
// fails the SDK's next call; a page of another origin can neither read nor post; no console errors;
// every control has a label. Runs under --sigv4 strict: the page needs no signature.
// Screenshots of each view: <build dir>/artifacts/inspector/*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import path from 'node:path';
import {
  CreateAppInstanceBotCommand, CreateAppInstanceCommand, CreateAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  AssociateChannelFlowCommand, CreateChannelCommand, CreateChannelFlowCommand, DescribeChannelCommand,
  GetChannelMessageCommand, ListChannelMessagesCommand, SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CREDENTIALS, serverBinary, startChimeLocal } from './harness.mjs';
import { launchChromium } from './browser_harness.mjs';
import { openSession, trustCa } from './messaging_harness.mjs';

const SHOTS = path.join(path.dirname(serverBinary()), 'artifacts', 'inspector');
let emu;
let browser;
let page;
const consoleErrors = [];
let app;
let alice;
let bob;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  emu = await startChimeLocal({
    extraArgs: ['--sigv4', 'strict', '--credentials', `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`],
  });
  if (emu.caPem) trustCa(emu.caPem);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  ({ AppInstanceArn: app } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'inspected' })));
  const user = async (id) => (await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn: app, AppInstanceUserId: id, Name: id,
  }))).AppInstanceUserArn;
  alice = await user('alice');
  bob = await user('bob');
});

after(async () => {
  await browser?.close();
  if (emu) assert.equal(await emu.stop(), 0);
});

// A fresh load each time (a goto that changes only the hash would keep the old view on screen
// until the new one renders), then wait until the view has rendered.
const open = async (hash) => {
  await page.goto('about:blank');
  await page.goto(`${emu.endpoint}/_chime-local/ui#/${hash}`);
  await page.locator(`main[data-view="${hash.split('?')[0]}"]`).waitFor();
};
// Within 1 s of the change (the page polls every 500 ms); the sanitized build (sanitize.js.*) is
// several times slower per request, so it gets 3 s.
const WITHIN = process.env.ASAN_OPTIONS ? 3000 : 1000;
const appears = (text, options = {}) => page.getByText(text, options).first().waitFor({ timeout: WITHIN });
const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

test('the page is served with a strict Content-Security-Policy and a favicon', async () => {
  const r = await fetch(`${emu.endpoint}/_chime-local/ui`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'; script-src 'self'/);
  assert.equal((await fetch(`${emu.endpoint}/_chime-local/ui/favicon.svg`)).headers.get('content-type'), 'image/svg+xml');
  assert.match(await (await fetch(`${emu.endpoint}/`)).text(), /href="\/_chime-local\/ui"/);
  await open('app-instances');
  await appears('alice');
  await shot('app-instances');
});

test('a channel and a message made with the SDK appear within 1 s', async () => {
  await open(`channels?app=${encodeURIComponent(app)}`);
  await page.getByText('Channels: none in this app instance.').waitFor();
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'lobby', ChimeBearer: alice, MemberArns: [bob],
  }));
  await appears('lobby', { exact: true });
  await shot('channels');
  await page.getByRole('link', { name: 'lobby' }).click();
  await page.getByText('Messages: none.').waitFor();
  await emu.messaging.send(new SendChannelMessageCommand({
    ChannelArn, Content: 'hello inspector', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice,
  }));
  await appears('hello inspector', { exact: true });
  await shot('channel');
});

test('a connected messaging session appears with the channels it receives', async () => {
  await open('sessions');
  await page.getByText('Connected sessions: none connected').waitFor();
  const session = openSession(emu.endpoint, bob);
  try {
    await session.start();
    await appears(bob, { exact: true });
    await page.getByRole('cell', { name: 'lobby', exact: true }).waitFor({ timeout: WITHIN });
    await shot('sessions');
  } finally {
    session.stop();
  }
});

test('the events view tails the messaging events, filtered by member, within 1 s', async () => {
  await open('events');
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'tail', ChimeBearer: alice, MemberArns: [bob],
  }));
  await emu.messaging.send(new SendChannelMessageCommand({
    ChannelArn, Content: 'tailed message', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice,
  }));
  await page.getByRole('cell', { name: 'CREATE_CHANNEL_MESSAGE', exact: true }).first().waitFor({ timeout: WITHIN });
  await page.getByLabel('Member ARN').fill(bob);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('cell', { name: ChannelArn, exact: true }).first().waitFor({ timeout: WITHIN });
  const recipients = await page.locator('table tbody tr td:nth-child(5)').allTextContents();
  assert.ok(recipients.length > 0 && recipients.every((r) => r.includes(bob)), recipients.join(' | '));
  await shot('events');
  await page.getByLabel('Member ARN').fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
});

test('a flow message is PENDING, approve-with-edit makes it SENT with the new content, deny DENIED', async () => {
  const { ChannelFlowArn } = await emu.messaging.send(new CreateChannelFlowCommand({
    AppInstanceArn: app, Name: 'moderation', ClientRequestToken: 'inspector-flow',
    Processors: [{ Name: 'p1', ExecutionOrder: 1, FallbackAction: 'ABORT',
      Configuration: { Lambda: { ResourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:mod', InvocationType: 'ASYNC' } } }],
  }));
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'moderated', ChimeBearer: alice, MemberArns: [bob],
  }));
  await emu.messaging.send(new AssociateChannelFlowCommand({ ChannelArn, ChannelFlowArn, ChimeBearer: alice }));
  const send = async (content) => (await emu.messaging.send(new SendChannelMessageCommand({
    ChannelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice,
  }))).MessageId;
  const get = (MessageId) => emu.messaging.send(new GetChannelMessageCommand({ ChannelArn, MessageId, ChimeBearer: alice }));

  await open(`channel?arn=${encodeURIComponent(ChannelArn)}`);
  const first = await send('please moderate me');
  await appears('PENDING', { exact: true });

  await open('flows');
  await appears('please moderate me', { exact: true });
  await shot('flows');
  const short = (await page.locator('button[aria-label^="Approve message"]').first().getAttribute('aria-label')).split(' ')[2];
  await page.getByLabel(`New content for message ${short}`).fill('moderated text');
  await page.getByRole('button', { name: `Approve message ${short} with the new content` }).click();
  await page.getByText('Invocations waiting for ChannelFlowCallback: none').waitFor({ timeout: 2000 });
  const approved = (await get(first)).ChannelMessage;
  assert.equal(approved.Status.Value, 'SENT');
  assert.equal(approved.Content, 'moderated text');

  const second = await send('deny me');
  await appears('deny me', { exact: true });
  await page.getByRole('button', { name: /^Deny message/ }).click();
  await page.getByText('Invocations waiting for ChannelFlowCallback: none').waitFor({ timeout: 2000 });
  // A denied new message is not stored (developer guide, "Using channel flows").
  await assert.rejects(get(second), { name: 'NotFoundException' });
});

test('a fault added in the page fails the SDK\'s next matching call with that error', async () => {
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'faulted', ChimeBearer: alice,
  }));
  await open('faults');
  await page.getByLabel('Operation').fill('DescribeChannel');
  await page.getByLabel('Error').fill('ServiceUnavailableException');
  await page.getByLabel('Count').fill('1');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await page.getByRole('button', { name: /^Remove fault/ }).waitFor({ timeout: WITHIN });
  await shot('faults');
  await assert.rejects(emu.messaging.send(new DescribeChannelCommand({ ChannelArn, ChimeBearer: alice })),
    { name: 'ServiceUnavailableException' });
  await emu.messaging.send(new DescribeChannelCommand({ ChannelArn, ChimeBearer: alice }));  // count 1: spent
  await page.getByRole('button', { name: /^Remove fault/ }).click();
  await page.getByText('none: every call is answered normally').waitFor({ timeout: WITHIN });
});

test('a bot invocation is answered from the page and the bot replies in the channel', async () => {
  const { AppInstanceBotArn: bot } = await emu.identity.send(new CreateAppInstanceBotCommand({
    AppInstanceArn: app, Name: 'Helper', ClientRequestToken: 'inspector-bot',
    Configuration: { Lex: {
      LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST',
      LocaleId: 'en_US', InvokedBy: { StandardMessages: 'ALL', TargetedMessages: 'NONE' },
    } },
  }));
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn: app, Name: 'help desk', ChimeBearer: alice, MemberArns: [bot],
  }));
  await open('bots');
  await emu.messaging.send(new SendChannelMessageCommand({
    ChannelArn, Content: 'is anyone there?', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice,
  }));
  await appears('is anyone there?', { exact: true });
  await shot('bots');
  await page.getByRole('textbox', { name: /^Reply text for invocation/ }).fill('Yes, how can I help?');
  await page.getByRole('button', { name: /^Reply to invocation/ }).click();
  await page.getByText('Invocations waiting for Lex: none').waitFor({ timeout: WITHIN });
  const { ChannelMessages } = await emu.messaging.send(new ListChannelMessagesCommand({ ChannelArn, ChimeBearer: alice }));
  const reply = ChannelMessages.find((m) => m.Sender.Arn === bot);
  assert.ok(reply, 'the bot replied');
  assert.equal(reply.ContentType, 'application/amz-chime-lex-msgs');
  assert.deepEqual(JSON.parse(reply.Content).Messages, [{ Content: 'Yes, how can I help?', ContentType: 'PlainText' }]);
});

test('the journal, sessions and settings views render; the journal filters by operation', async () => {
  await open('journal');
  await page.getByLabel('Operation').fill('DescribeChannel');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('ServiceUnavailableException').first().waitFor({ timeout: WITHIN });
  assert.equal(await page.getByRole('cell', { name: 'SendChannelMessage', exact: true }).count(), 0);
  // Newest first: the call that failed (the fault fired once), then the one that passed.
  const statuses = await page.locator('table tbody tr td:nth-child(3)').allTextContents();
  assert.deepEqual(statuses.slice(0, 2), ['200', '503']);
  await shot('journal');
  await open('eventbridge');
  await page.getByText('Events, newest first: none').waitFor({ timeout: WITHIN });
  await open('push');
  await page.getByText('Notifications, newest first: none').waitFor({ timeout: WITHIN });
  await open('bots');
  await page.getByText('Invocations waiting for Lex: none').waitFor({ timeout: WITHIN });
  await open('controls');
  await page.getByRole('button', { name: 'Turn throttling on' }).click();
  await page.getByRole('button', { name: 'Turn throttling off' }).waitFor({ timeout: WITHIN });
  await page.getByRole('button', { name: 'Turn throttling off' }).click();
  await page.getByRole('button', { name: 'Turn throttling on' }).waitFor({ timeout: WITHIN });
  await page.getByLabel('Seconds').fill('60');
  await page.getByRole('button', { name: 'Advance clock' }).click();
  await page.getByText('(offset 60 s)').waitFor({ timeout: WITHIN });
  await shot('controls');
});

test('reset from the page empties the store; a snapshot restored from the page brings it back', async () => {
  const snapshot = Buffer.from(await (await fetch(`${emu.endpoint}/_chime-local/snapshot`)).arrayBuffer());
  const dir = mkdtempSync(path.join(tmpdir(), 'chime-inspector-'));
  try {
    const file = path.join(dir, 'before-reset.sqlite3');
    writeFileSync(file, snapshot);
    await open('controls');
    await page.getByRole('button', { name: 'Reset all data, faults and journal' }).click();
    await page.getByText('Everything was reset').waitFor({ timeout: WITHIN });
    await open('app-instances');
    await page.getByText('No app instances yet').waitFor({ timeout: WITHIN });
    await open('controls');
    await page.getByLabel('Snapshot file').setInputFiles(file);
    await page.getByRole('button', { name: 'Restore snapshot' }).click();
    await page.getByText('Snapshot before-reset.sqlite3 restored.').waitFor({ timeout: WITHIN });
    await open('app-instances');
    await appears('alice', { exact: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every input, select and button of every view has an accessible name', async () => {
  for (const view of ['app-instances', `channels?app=${encodeURIComponent(app)}`, 'sessions', 'events', 'flows', 'journal', 'eventbridge', 'push', 'bots', 'faults', 'controls']) {
    await open(view);
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, button, textarea')]
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())))
      .map((el) => el.outerHTML));
    assert.deepEqual(unlabeled, [], view);
  }
});

test('axe-core finds no WCAG 2 A or AA violation in any view', async () => {
  // Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const view of ['app-instances', `channels?app=${encodeURIComponent(app)}`, 'sessions', 'events', 'flows', 'journal', 'eventbridge', 'push', 'bots', 'faults', 'controls']) {
    await open(view);
    await page.evaluate(axe);
    const violations = await page.evaluate(async () => (await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
    })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    assert.deepEqual(violations, [], view);
  }
});

test('a page of another origin can neither read nor post to the control endpoints', async () => {
  const other = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other</title>'));
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  try {
    const p = await browser.newPage();
    await p.goto(`http://127.0.0.1:${other.address().port}/`);
    const outcome = await p.evaluate(async (endpoint) => {
      const attempt = (url, init) => fetch(url, init).then((r) => `answered ${r.status}`, (e) => `failed: ${e.name}`);
      return {
        read: await attempt(`${endpoint}/_chime-local/state/app-instances`),
        post: await attempt(`${endpoint}/_chime-local/faults`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: 'ServiceFailureException' }),
        }),
      };
    }, emu.endpoint);
    assert.deepEqual(outcome, { read: 'failed: TypeError', post: 'failed: TypeError' });
    await p.close();
  } finally {
    other.close();
  }
  const { faults } = await (await fetch(`${emu.endpoint}/_chime-local/faults`)).json();
  assert.deepEqual(faults, []);
});

test('no console errors or warnings in the page', () => {
  assert.deepEqual(consoleErrors, []);
});
