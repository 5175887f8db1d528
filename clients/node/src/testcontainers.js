// chime-local as a Testcontainers container: `import { ChimeLocalContainer } from
// 'chime-local/testcontainers'`. Needs the optional peer dependency `testcontainers` (10.x/11.x on
// Node 20; 12.x needs Node >= 22). getCaPem() fetches the CA from the emulator
// (GET /_chime-local/ca.pem); getCaPemPath() is its path inside the container, from its stdout.
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
    return new ChimeLocalControl(this.getEndpoint()).caPem();
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
