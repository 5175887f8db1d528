// A real browser (headless Debian chromium, driven by playwright-core; scripts/setup.sh installs
// both) loads a page from another origin that uses the AWS SDK for JavaScript v3 and the
// unmodified amazon-chime-sdk-js: it sends a message with the REST API (CORS preflights) and
// receives it over the wss:// messaging session (the emulator's local CA is not trusted by this
// throwaway browser, so it ignores certificate errors).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CreateAppInstanceCommand, CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { CreateChannelCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { startChimeLocal } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir;
let emu;
let pageServer;
let browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium)`);
  dir = mkdtempSync(path.join(tmpdir(), 'chime-browser-'));
  emu = await startChimeLocal({ dataFile: path.join(dir, 'chime.sqlite3') });
  const bundle = await build({
    entryPoints: [path.join(here, 'browser', 'chat_page.mjs')],
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020',
    // Explicit, so require() calls (amazon-chime-sdk-js is CommonJS) also get the SDK's browser build.
    mainFields: ['browser', 'module', 'main'],
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' }, logLevel: 'error',
  });
  const script = bundle.outputFiles[0].text;
  pageServer = createServer((req, res) => {
    if (req.url.startsWith('/chat.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><meta charset="utf-8"><title>chat test</title><script src="/chat.js"></script>');
    }
  });
  await new Promise((r) => pageServer.listen(0, '127.0.0.1', r));
  // launch() gives the browser a fresh, throwaway --user-data-dir of its own.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  pageServer?.close();
  if (emu) assert.equal(await emu.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a browser page on another origin sends over REST and receives over the messaging session', async () => {
  const { AppInstanceArn } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'browser' }));
  const user = async (id) => (await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn, AppInstanceUserId: id, Name: id,
  }))).AppInstanceUserArn;
  const alice = await user('alice');
  const bob = await user('bob');
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn, Name: 'browser', ChimeBearer: alice, MemberArns: [bob],
  }));

  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  const pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;
  assert.notEqual(pageOrigin, emu.endpoint);
  const params = new URLSearchParams({
    endpoint: emu.endpoint, user: bob, sender: alice, channel: ChannelArn, content: 'hello from the browser',
  });
  await page.goto(`${pageOrigin}/?${params}`);
  await page.waitForFunction(() => window.chatResult !== undefined, null, { timeout: 20000 });
  const result = await page.evaluate(() => window.chatResult);
  assert.ok(result.ok, `page failed: ${result.error}\n${consoleLines.join('\n')}`);
  assert.equal(result.headers['x-amz-chime-event-type'], 'CREATE_CHANNEL_MESSAGE');
  assert.equal(result.headers['x-amz-chime-message-type'], 'STANDARD');
  assert.equal(result.payload.Content, 'hello from the browser');
  assert.equal(result.payload.MessageId, result.sentId);
  assert.equal(result.payload.Sender.Arn, alice);
  await context.close();
});
