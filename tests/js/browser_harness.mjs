// Shared by the headless-browser tests: Debian's chromium driven by playwright-core (which never
// downloads a browser), the chat page (browser/chat_page.mjs: the AWS SDK for JavaScript v3 and the
// unmodified amazon-chime-sdk-js, bundled by esbuild), served from its own origin, and one round of
// "send over REST, receive over the messaging session".
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CreateAppInstanceCommand, CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { CreateChannelCommand } from '@aws-sdk/client-chime-sdk-messaging';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches chromium; `env` (e.g. a HOME whose NSS database trusts the CA) goes to the browser. */
export async function launchChromium(env) {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium)`);
  // launch() gives the browser a fresh, throwaway --user-data-dir of its own.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, ...(env ? { env } : {}) });
}

/** Serves the bundled chat page on 127.0.0.1 (another origin than the emulator). */
export async function startChatPageServer() {
  const bundle = await build({
    entryPoints: [path.join(here, 'browser', 'chat_page.mjs')],
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020',
    // Explicit, so require() calls (amazon-chime-sdk-js is CommonJS) also get the SDK's browser build.
    mainFields: ['browser', 'module', 'main'],
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' }, logLevel: 'error',
  });
  const script = bundle.outputFiles[0].text;
  const server = createServer((req, res) => {
    if (req.url.startsWith('/chat.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><meta charset="utf-8"><title>chat test</title><script src="/chat.js"></script>');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/**
 * Creates an app instance, alice and bob and a channel with boto-like calls on `emu`, then opens the
 * page in `context`: bob's session receives what alice sends over REST. Returns the page's result
 * and the ARNs; asserts nothing about the outcome.
 */
export async function chatRound(emu, context, pageOrigin, content, { timeoutMs } = {}) {
  const { AppInstanceArn } = await emu.identity.send(new CreateAppInstanceCommand({ Name: 'browser' }));
  const user = async (id) => (await emu.identity.send(new CreateAppInstanceUserCommand({
    AppInstanceArn, AppInstanceUserId: id, Name: id,
  }))).AppInstanceUserArn;
  const alice = await user('alice');
  const bob = await user('bob');
  const { ChannelArn } = await emu.messaging.send(new CreateChannelCommand({
    AppInstanceArn, Name: 'browser', ChimeBearer: alice, MemberArns: [bob],
  }));
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  assert.notEqual(pageOrigin, emu.endpoint);
  const params = new URLSearchParams({ endpoint: emu.endpoint, user: bob, sender: alice, channel: ChannelArn, content });
  if (timeoutMs) params.set('timeout', String(timeoutMs));
  await page.goto(`${pageOrigin}/?${params}`);
  await page.waitForFunction(() => window.chatResult !== undefined, null, { timeout: 20000 });
  const result = await page.evaluate(() => window.chatResult);
  await page.close();
  return { result, alice, bob, ChannelArn, consoleLines };
}
