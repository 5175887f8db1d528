// Test harness for the AWS SDK for JavaScript v3 tests (node --test, run by ctest as js.<name>).
//
//   import { startChimeLocal } from './harness.mjs';
//   const emu = await startChimeLocal();            // in-memory store, free port
//   await emu.identity.send(new CreateAppInstanceCommand({ Name: 'x' }));
//   const code = await emu.stop();                   // SIGTERM; 0 = clean exit
//
// startChimeLocal({ dataFile, extraArgs, timeoutMs, env }) -> {
//   endpoint, port, process, identity, messaging, logs(), stop(), kill() }
// The binary is $CHIME_LOCAL_BIN (set by ctest) or ../../build/chime-local. Its stderr is kept
// in memory and printed when it fails to start, dies, or exits non-zero on stop().
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ChimeSDKIdentityClient } from '@aws-sdk/client-chime-sdk-identity';
import { ChimeSDKMessagingClient } from '@aws-sdk/client-chime-sdk-messaging';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
export const CREDENTIALS = { accessKeyId: 'AKIDCHIMELOCALTEST', secretAccessKey: 'chime-local-secret' };
export const HEALTH_PATH = '/_chime-local/health';

// The SDK warns on every run that future versions will need Node >= 22; the versions are pinned
// in package-lock.json, so the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
const LISTENING_RE = /chime-local listening on http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+)/;

export function serverBinary() {
  const bin = path.resolve(process.env.CHIME_LOCAL_BIN || path.join(here, '..', '..', 'build', 'chime-local'));
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`chime-local binary not found at ${bin}: build it or set CHIME_LOCAL_BIN`);
  }
  return bin;
}

/** Client config for `endpoint`: region us-east-1, dummy credentials, no retries. */
export function clientConfig(endpoint) {
  return { region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1 };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startChimeLocal({ dataFile = null, extraArgs = [], timeoutMs = 20000, env = {} } = {}) {
  const bin = serverBinary();
  const args = ['--host', '127.0.0.1', '--port', '0', '--log-level', 'error',
    '--region', REGION, '--account-id', ACCOUNT_ID,
    ...(dataFile ? ['--data-file', dataFile] : ['--in-memory']), ...extraArgs];
  const childEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CHIME_LOCAL_')));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...childEnv, ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? `signal ${signal}`)));
  let exitStatus;
  exited.then((s) => { exitStatus = s; });
  const logs = () => `--- chime-local ${bin} ${args.join(' ')} (exit status ${exitStatus ?? 'running'}) ---\n` +
    `--- stderr ---\n${stderr.trimEnd() || '(empty)'}\n--- stdout ---\n${stdout.trimEnd()}\n--- end ---`;

  // The second stdout line names the local CA that wss:// clients must trust.
  let caLine;
  const caPromise = new Promise((resolve) => { caLine = resolve; });
  const portPromise = new Promise((resolve) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      stdout += line + '\n';
      const m = LISTENING_RE.exec(line);
      if (m) resolve(Number(m[2]));
      const ca = /^chime-local TLS CA: (.+?) \(/.exec(line);
      if (ca) caLine(ca[1]);
    });
  });

  const fail = async (why) => {
    if (exitStatus === undefined) { child.kill('SIGKILL'); await exited; }
    throw new Error(`chime-local failed to start: ${why}\n${logs()}`);
  };

  const deadline = Date.now() + timeoutMs;
  let timer;
  const port = await Promise.race([
    portPromise,
    exited.then((s) => `exited with status ${s}`),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'no "chime-local listening on" line on stdout');
    }),
  ]);
  clearTimeout(timer);
  if (typeof port !== 'number') await fail(port);
  const endpoint = `http://127.0.0.1:${port}`;

  let last = '';
  for (;;) {
    if (exitStatus !== undefined) await fail(`exited with status ${exitStatus}`);
    try {
      const res = await fetch(endpoint + HEALTH_PATH);
      await res.arrayBuffer();
      if (res.status === 200) break;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    if (Date.now() > deadline) await fail(`health check not 200: ${last}`);
    await sleep(20);
  }

  const caPem = await Promise.race([caPromise, sleep(2000).then(() => undefined)]);

  const identity = new ChimeSDKIdentityClient(clientConfig(endpoint));
  const messaging = new ChimeSDKMessagingClient(clientConfig(endpoint));
  const closeClients = () => { identity.destroy(); messaging.destroy(); };

  return {
    endpoint, port, caPem, process: child, identity, messaging, logs,
    /** SIGTERM, wait (SIGKILL after timeoutMs), resolve to the exit code (0 = clean). */
    async stop(timeout = 10000) {
      closeClients();
      if (exitStatus === undefined) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), timeout);
        await exited;
        clearTimeout(t);
      }
      if (exitStatus !== 0) console.error(logs());
      return exitStatus;
    },
    /** SIGKILL; resolves to the exit status. */
    async kill() {
      closeClients();
      if (exitStatus === undefined) { child.kill('SIGKILL'); await exited; }
      return exitStatus;
    },
  };
}
