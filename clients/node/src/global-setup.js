// Jest `globalSetup` / Vitest `globalSetup`: one chime-local for the whole run. Starts
// $CHIME_LOCAL_BIN (or chime-local on PATH; extra flags from $CHIME_LOCAL_ARGS, split on spaces)
// and exports CHIME_LOCAL_ENDPOINT to the test workers, which are started after it. When
// CHIME_LOCAL_ENDPOINT is already set, that emulator is used and nothing is started.
// Jest runs globalSetup and globalTeardown in one process: the handle is kept on globalThis.
// Vitest takes the returned function as the teardown.
import { startChimeLocal } from './start.js';

const KEY = Symbol.for('chime-local.global');

export async function setup() {
  const args = (process.env.CHIME_LOCAL_ARGS ?? '').split(/\s+/).filter(Boolean);
  const emulator = await startChimeLocal({ args });
  globalThis[KEY] = emulator;
  process.env.CHIME_LOCAL_ENDPOINT = emulator.endpoint;
  if (emulator.caPemPath) process.env.CHIME_LOCAL_CA_PEM = emulator.caPemPath;
  return teardown;
}

export async function teardown() {
  const emulator = globalThis[KEY];
  globalThis[KEY] = undefined;
  if (emulator?.owned) delete process.env.CHIME_LOCAL_ENDPOINT;
  await emulator?.stop();
}

export default setup;
