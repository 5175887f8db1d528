// The Jest/Vitest global setup: starts one emulator, exports CHIME_LOCAL_ENDPOINT for the
// workers, and the teardown (Jest's globalTeardown module, or Vitest's returned function) stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import globalSetup from 'chime-local/global-setup';
import globalTeardown from 'chime-local/global-teardown';
import { ChimeLocalControl } from 'chime-local';

test('globalSetup exports CHIME_LOCAL_ENDPOINT and globalTeardown stops it', async () => {
  delete process.env.CHIME_LOCAL_ENDPOINT;
  const vitestTeardown = await globalSetup();
  const endpoint = process.env.CHIME_LOCAL_ENDPOINT;
  assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await new ChimeLocalControl(endpoint).health()).status, 'ok');
  assert.equal(typeof vitestTeardown, 'function');
  await globalTeardown();
  assert.equal(process.env.CHIME_LOCAL_ENDPOINT, undefined);
  await assert.rejects(fetch(`${endpoint}/_chime-local/health`));
  await vitestTeardown(); // a second teardown is harmless
});
