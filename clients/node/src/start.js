// Spawns chime-local on a free port with an in-memory store and waits for its two stdout lines:
//   chime-local listening on http://127.0.0.1:PORT
//   chime-local TLS CA: PATH (...)          (with --tls-cert: chime-local TLS certificate: FILE)
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ChimeLocalControl } from './control.js';

const READY = 'chime-local listening on ';
const TLS = /^chime-local TLS (?:CA|certificate): (.+?)(?: \(.*)?$/;

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try { accessSync(candidate, constants.X_OK); return candidate; } catch { /* next */ }
  }
  return undefined;
}

/** The given path, else $CHIME_LOCAL_BIN, else chime-local on PATH. */
export function findBinary(bin) {
  const found = bin ?? process.env.CHIME_LOCAL_BIN ?? onPath('chime-local');
  if (!found) {
    throw new Error('chime-local not found: set CHIME_LOCAL_BIN to the binary (e.g. build/chime-local), '
      + 'put it on PATH, or set CHIME_LOCAL_ENDPOINT to a running emulator');
  }
  return found;
}

/**
 * Starts chime-local (`--port 0 --in-memory` plus args) and resolves with
 * {endpoint, caPemPath, control, process, stop()}. With `endpoint`, or $CHIME_LOCAL_ENDPOINT
 * when no `bin` is given, it uses that running emulator and stop() leaves it running.
 */
export async function startChimeLocal({ bin, args = [], endpoint, timeoutMs = 30000 } = {}) {
  const shared = endpoint ?? (bin === undefined ? process.env.CHIME_LOCAL_ENDPOINT : undefined);
  if (shared) {
    const control = new ChimeLocalControl(shared);
    await control.health();
    return { endpoint: control.endpoint, caPemPath: undefined, control, process: undefined, owned: false, stop: async () => undefined };
  }
  const binary = findBinary(bin);
  const child = spawn(binary, ['--port', '0', '--in-memory', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

  const lines = await new Promise((resolve, reject) => {
    let buf = '';
    const got = [];
    const fail = (why) => { clearTimeout(timer); child.kill('SIGKILL'); reject(new Error(`${why}${stderr ? `; its stderr:\n${stderr.trim()}` : ''}`)); };
    const timer = setTimeout(() => fail(`chime-local printed no ready line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(`cannot run ${binary}: ${e.message}`));
    const onExit = (code) => setImmediate(() => fail(`chime-local exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0 && got.length < 2) {
        got.push(buf.slice(0, nl).trim());
        buf = buf.slice(nl + 1);
      }
      if (got.length === 2) { clearTimeout(timer); child.removeListener('exit', onExit); resolve(got); }
    });
  });
  if (!lines[0].startsWith(READY)) throw new Error(`unexpected chime-local output: ${lines[0]}`);
  const url = lines[0].slice(READY.length).split(/\s/)[0];
  const caPemPath = TLS.exec(lines[1])?.[1];
  child.stdout.resume(); // keep the pipe drained

  let stopped;
  const stop = async (timeout = 10000) => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return child.exitCode ?? child.signalCode;
    })();
    return stopped;
  };
  return { endpoint: url, caPemPath, control: new ChimeLocalControl(url), process: child, owned: true, stop };
}
