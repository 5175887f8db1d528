// The documented trust path, as a new user takes it: a fresh HOME, `chime-local trust`, and a
// headless Chromium that reads that HOME's NSS database. No ignoreHTTPSErrors and no
// --ignore-certificate-errors: the page's wss:// messaging session connects only because the CA
// is trusted. The emulator runs --in-memory and is restarted: the CA (one per user) and so the
// trust last. A browser whose HOME trusts nothing fails, so the test can fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverBinary, startChimeLocal } from './harness.mjs';
import { chatRound, launchChromium, startChatPageServer } from './browser_harness.mjs';

const CERTUTIL = ['/usr/bin/certutil', '/bin/certutil'].find((p) => existsSync(p));
let home;
let page;

before(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'chime-trust-home-'));
  page = await startChatPageServer();
});

after(() => {
  page?.server.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const env = () => ({ HOME: home, XDG_DATA_HOME: '' });

async function roundTrip(browserEnv, content, options) {
  const emu = await startChimeLocal({ env: env() });
  const browser = await launchChromium(browserEnv);
  try {
    const context = await browser.newContext();
    const round = await chatRound(emu, context, page.origin, content, options);
    await context.close();
    return { ...round, caPem: emu.caPem };
  } finally {
    await browser.close();
    assert.equal(await emu.stop(), 0);
  }
}

test('without trust the page cannot open the messaging session', { skip: !CERTUTIL && 'certutil missing' }, async () => {
  const untrusted = mkdtempSync(path.join(tmpdir(), 'chime-untrusted-home-'));
  try {
    const { result } = await roundTrip({ HOME: untrusted }, 'never delivered', { timeoutMs: 5000 });
    assert.equal(result.ok, false, 'a browser that does not trust the CA must not connect');
  } finally {
    rmSync(untrusted, { recursive: true, force: true });
  }
});

test('after chime-local trust the page receives live messages, also after an --in-memory restart',
  { skip: !CERTUTIL && 'certutil missing (apt-get install libnss3-tools)' }, async () => {
    const out = execFileSync(serverBinary(), ['trust', '--user-only'], { env: { ...process.env, ...env() } }).toString();
    assert.match(out, /\.pki\/nssdb: trusted for websites/);
    for (const content of ['first start', 'after a restart']) {
      const { result, caPem, consoleLines } = await roundTrip({ HOME: home }, content);
      assert.equal(caPem, path.join(home, '.local', 'share', 'chime-local', 'ca', 'ca.pem'));
      assert.ok(result.ok, `page failed: ${result.error}\n${consoleLines.join('\n')}`);
      assert.equal(result.payload.Content, content);
    }
  });
