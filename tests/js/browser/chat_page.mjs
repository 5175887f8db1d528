// Test page (not a product UI) for js.messaging_browser: a minimal browser chat client built the
// way apps build one, with the AWS SDK for JavaScript v3 and amazon-chime-sdk-js's
// DefaultMessagingSession, bundled by esbuild and served from another origin than the emulator.
// It opens a messaging session as `user`, sends one message as `sender` over the REST API (CORS),
// and reports in window.chatResult what arrived over the WebSocket.
import { ChimeSDKMessagingClient, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import {
  ConsoleLogger, DefaultMessagingSession, LogLevel, MessagingSessionConfiguration,
} from 'amazon-chime-sdk-js';

const q = new URLSearchParams(location.search);
const client = new ChimeSDKMessagingClient({
  region: 'us-east-1',
  endpoint: q.get('endpoint'),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

async function run() {
  const config = new MessagingSessionConfiguration(q.get('user'), null, undefined, client);
  const session = new DefaultMessagingSession(config, new ConsoleLogger('chat', LogLevel.WARN));
  const received = new Promise((resolve) => {
    session.addObserver({
      messagingSessionDidReceiveMessage(message) {
        if (message.type === 'CREATE_CHANNEL_MESSAGE') resolve(message);
      },
    });
  });
  await session.start();
  const sent = await client.send(new SendChannelMessageCommand({
    ChannelArn: q.get('channel'), Content: q.get('content'), Type: 'STANDARD', Persistence: 'PERSISTENT',
    ChimeBearer: q.get('sender'),
  }));
  const message = await received;
  session.stop();
  return { sentId: sent.MessageId, headers: message.headers, payload: JSON.parse(message.payload) };
}

// ?timeout=MS: give up after that long (the SDK itself retries an unreachable session for ~20 s).
const timeout = Number(q.get('timeout')) || 0;
const attempt = timeout
  ? Promise.race([run(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no message within ${timeout} ms`)), timeout))])
  : run();
attempt.then(
  (r) => { window.chatResult = { ok: true, ...r }; },
  (e) => { window.chatResult = { ok: false, error: String(e && (e.stack || e.message || e.code || e)) }; },
);
