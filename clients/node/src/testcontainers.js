// chime-local as a Testcontainers container: `import { ChimeLocalContainer } from
// 'chime-local/testcontainers'`. Needs the optional peer dependency `testcontainers` (10.x/11.x on
// Node 20; 12.x needs Node >= 22). The emulator serves no CA endpoint, so getCaPem() reads the CA's
// path from the container's stdout and copies the file out of the container.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChimeLocalControl } from './control.js';

async function loadTestcontainers() {
  try {
    return await import('testcontainers');
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
  // Imported from a clone by relative path, this file cannot see the project's node_modules:
  // resolve testcontainers from the working directory, as the project's own imports would.
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    return await import(pathToFileURL(require.resolve('testcontainers')).href);
  } catch {
    throw new Error('chime-local/testcontainers needs the testcontainers package: '
      + 'npm install --save-dev testcontainers@11 (Node 20; 12.x needs Node >= 22)');
  }
}

const { GenericContainer, AbstractStartedContainer, Wait } = await loadTestcontainers();

export const CHIME_LOCAL_PORT = 4590;
const CA_LINE = /chime-local TLS CA: (\S+)/;

/** The file of the first regular entry of a tar archive (what Docker's archive endpoint sends). */
function firstTarFile(buf) {
  for (let off = 0; off + 512 <= buf.length;) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    if (type === '0' || header[156] === 0) return buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512; // a pax or long-name header: skip it
  }
  throw new Error('the archive copied from the container holds no file');
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export class StartedChimeLocalContainer extends AbstractStartedContainer {
  constructor(started, port) {
    super(started);
    this.port = port;
  }

  getEndpoint() { return `http://${this.getHost()}:${this.getMappedPort(this.port)}`; }

  getControl() { return new ChimeLocalControl(this.getEndpoint()); }

  /** The CA's path inside the container, from the second stdout line. */
  async getCaPemPath(timeoutMs = 10000) {
    const stream = await this.logs();
    try {
      return await new Promise((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error('chime-local container printed no "chime-local TLS CA:" line '
          + '(started with --tls-cert? then you have the certificate already)')), timeoutMs);
        stream.on('data', (d) => {
          text += d.toString();
          const m = CA_LINE.exec(text);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        stream.on('error', (e) => { clearTimeout(timer); reject(e); });
      });
    } finally {
      stream.destroy?.();
    }
  }

  /** The PEM (a string) of the CA that wss:// and https:// clients must trust. */
  async getCaPem() {
    const archive = await readAll(await this.copyArchiveFromContainer(await this.getCaPemPath()));
    return firstTarFile(archive).toString('utf8');
  }
}

export class ChimeLocalContainer extends GenericContainer {
  /** image "chime-local" by default; args are chime-local flags (default --in-memory). */
  constructor(image = 'chime-local', { args = ['--in-memory'], port = CHIME_LOCAL_PORT } = {}) {
    super(image);
    this.chimePort = port;
    this.withExposedPorts(port)
      .withWaitStrategy(Wait.forHttp('/_chime-local/health', port).forStatusCode(200));
    if (args.length) this.withCommand(args);
  }

  async start() {
    return new StartedChimeLocalContainer(await super.start(), this.chimePort);
  }
}
