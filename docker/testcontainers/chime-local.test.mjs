// The README's Testcontainers example (start the chime-local image, wait for its health endpoint,
// point the AWS SDK at the mapped port), then the same with the packaged ChimeLocalContainer. Run by
// docker/ci_image_test.sh (ctest container.image) with DOCKER_HOST at podman's Docker-compatible
// socket and TESTCONTAINERS_RYUK_DISABLED=true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenericContainer, Wait } from 'testcontainers';
import {
  ChimeSDKIdentityClient, CreateAppInstanceCommand, ListAppInstancesCommand,
} from '@aws-sdk/client-chime-sdk-identity';

const image = process.env.CHIME_LOCAL_IMAGE ?? 'chime-local';

test('Testcontainers starts chime-local and the JS SDK talks to it', async () => {
  const container = await new GenericContainer(image)
    .withCommand(['--in-memory'])
    .withExposedPorts(4590)
    .withWaitStrategy(Wait.forHttp('/_chime-local/health', 4590).forStatusCode(200))
    .start();
  try {
    const identity = new ChimeSDKIdentityClient({
      region: 'us-east-1',
      endpoint: `http://${container.getHost()}:${container.getMappedPort(4590)}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const { AppInstanceArn } = await identity.send(new CreateAppInstanceCommand({ Name: 'demo' }));
    assert.match(AppInstanceArn, /^arn:aws:chime:us-east-1:\d{12}:app-instance\//);
    const { AppInstances } = await identity.send(new ListAppInstancesCommand({}));
    assert.deepEqual(AppInstances.map((a) => a.AppInstanceArn), [AppInstanceArn]);
  } finally {
    await container.stop();
  }
});

// The packaged module (clients/node, `chime-local/testcontainers` once installed): the same
// container in one line, plus the control plane and the CA file copied out of the container.
// Imported from the clone by relative path; it finds testcontainers in this directory's node_modules.
test('ChimeLocalContainer from clients/node: endpoint, control plane, CA', async () => {
  const { ChimeLocalContainer } = await import('../../clients/node/src/testcontainers.js');
  const container = await new ChimeLocalContainer(image).start();
  try {
    const identity = new ChimeSDKIdentityClient({
      region: 'us-east-1',
      endpoint: container.getEndpoint(),
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await identity.send(new CreateAppInstanceCommand({ Name: 'demo' }));
    const control = container.getControl();
    assert.equal((await control.health()).storage, 'memory');
    await control.reset();
    const { AppInstances } = await identity.send(new ListAppInstancesCommand({}));
    assert.deepEqual(AppInstances, []);
    assert.match(await container.getCaPem(), /-----BEGIN CERTIFICATE-----/);
  } finally {
    await container.stop();
  }
});
