// A real browser (headless Debian chromium, driven by playwright-core; scripts/setup.sh installs
// both) loads a page from another origin that uses the AWS SDK for JavaScript v3 and the
// unmodified amazon-chime-sdk-js: it sends a message with the REST API (CORS preflights) and
// receives it over the wss:// messaging session (this throwaway browser ignores certificate
// errors; messaging_browser_trust.test.mjs checks the documented trust path instead).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChimeLocal } from './harness.mjs';
import { chatRound, launchChromium, startChatPageServer } from './browser_harness.mjs';

let dir;
let emu;
let page;
let browser;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'chime-browser-'));
  emu = await startChimeLocal({ dataFile: path.join(dir, 'chime.sqlite3') });
  page = await startChatPageServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  page?.server.close();
  if (emu) assert.equal(await emu.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a browser page on another origin sends over REST and receives over the messaging session', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const { result, alice, consoleLines } = await chatRound(emu, context, page.origin, 'hello from the browser');
  assert.ok(result.ok, `page failed: ${result.error}\n${consoleLines.join('\n')}`);
  assert.equal(result.headers['x-amz-chime-event-type'], 'CREATE_CHANNEL_MESSAGE');
  assert.equal(result.headers['x-amz-chime-message-type'], 'STANDARD');
  assert.equal(result.payload.Content, 'hello from the browser');
  assert.equal(result.payload.MessageId, result.sentId);
  assert.equal(result.payload.Sender.Arn, alice);
  await context.close();
});
