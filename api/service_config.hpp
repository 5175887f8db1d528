// Settings of the emulated service that the api/ layer needs (the server's own
// settings, such as host and port, live in server/config.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chime::api {

// One --credentials AKID:SECRET pair (strict SigV4).
struct AccessKey {
  std::string id;
  std::string secret;
};

class ProcessorInvoker;    // api/messaging/processor_invoker.hpp
class StreamingDirectory;  // api/events/streaming_sink.hpp
class SessionHub;          // api/events/session_hub.hpp
class EventBridgeSink;     // api/events/eventbridge_events.hpp
class PushNotificationSink;  // api/events/push_notification_sink.hpp
class LexInvoker;          // api/messaging/lex_invoker.hpp

struct ServiceConfig {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // Host[:port] handed out by GetMessagingSessionEndpoint.
  std::string messaging_endpoint_host = "127.0.0.1:4590";
  // Channel flows: a message whose processor has not called back this long
  // after its invocation becomes FAILED (--channel-flow-timeout).
  int64_t channel_flow_timeout_ms = 30000;
  // Where processor invocations go besides the queue that
  // GET /_chime-local/channel-flow-invocations lists (--lambda-endpoint); null:
  // the queue only. Owned by main(), outlives the dispatcher.
  ProcessorInvoker* processor_invoker = nullptr;
  // Where AppInstanceBot invocations go besides the queue that
  // GET /_chime-local/bot-invocations lists (--lex-endpoint); null: the
  // queue only. Owned by main(), outlives the dispatcher.
  LexInvoker* lex_invoker = nullptr;
  // --kinesis-endpoint: the streaming configurations the StreamingEventSink
  // routes by, updated after each committed Put/DeleteMessagingStreaming-
  // Configurations; null when nothing streams. Owned by main().
  StreamingDirectory* streaming = nullptr;
  // --sigv4 strict: every AWS request (not /_chime-local/) and every /connect
  // must carry a right SigV4 signature by one of `credentials`
  // (api/auth/sigv4_verifier.hpp); false: nothing is checked.
  // The local CA's PEM file, served at GET /_chime-local/ca.pem; empty when the
  // emulator serves a user's own --tls-cert.
  std::string tls_ca_file;
  // The connected messaging sessions (GET /_chime-local/sessions); null when
  // the emulator runs without a messaging transport (unit tests). Owned by main().
  const SessionHub* sessions = nullptr;
  // Where EventBridge events go after their unit commits (the fixture's
  // journal, which forwards to --eventbridge-endpoint); null: nowhere.
  // Owned by main().
  EventBridgeSink* eventbridge = nullptr;
  // Where the push notifications of new messages go after their unit commits
  // (the fixture's journal, which forwards to --pinpoint-endpoint); null:
  // nowhere (and none are planned). Owned by main().
  PushNotificationSink* push_notifications = nullptr;
  bool sigv4_strict = false;
  std::vector<AccessKey> credentials;
};

}  // namespace chime::api
