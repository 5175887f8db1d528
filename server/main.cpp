// chime-local: parse the configuration, open the database, bind, build the
// dispatcher (which needs the bound port for GetMessagingSessionEndpoint),
// serve until SIGINT/SIGTERM, then tear down in reverse order so SQLite is
// closed cleanly.
//
// Exit codes: 0 after a graceful shutdown (or --help/--version), 1 when the
// server cannot start, 2 for bad flags or environment variables.
#include <algorithm>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "api/control/fixture.hpp"
#include "api/control/seed.hpp"
#include "api/dispatcher.hpp"
#include "api/events/session_hub.hpp"
#include "api/events/streaming_sink.hpp"
#include "api/messaging/bot_runner.hpp"
#include "api/messaging/flow_runner.hpp"
#include "api/periodic_jobs.hpp"
#include "api/scheduler.hpp"
#include "api/unit_runner.hpp"
#include "api/protocol/json_body.hpp"
#include "api/service_config.hpp"
#include "server/config.hpp"
#include "server/database_diagnosis.hpp"
#include "server/http_server.hpp"
#include "server/outgoing/eventbridge_publisher.hpp"
#include "server/outgoing/pinpoint_sender.hpp"
#include "server/outgoing/kinesis_streamer.hpp"
#include "server/outgoing/lambda_invoker.hpp"
#include "server/outgoing/lex_client.hpp"
#include "server/log.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/log.hpp"
#include "storage/migrations.hpp"
#include "storage/snapshot.hpp"
#include "server/ca_location.hpp"
#include "server/local_ca.hpp"
#include "server/trust.hpp"
#include "server/messaging_transport.hpp"
#include "server/web_access.hpp"
#include "storage/store.hpp"

namespace {

using chime::server::ServerConfig;

// The directory the database file lives in, or empty when there is none to create.
std::filesystem::path DataDirectory(const ServerConfig& config) {
  if (config.InMemory()) return {};
  if (config.data_file.empty()) return config.data_dir;
  return std::filesystem::path(config.data_file).parent_path();
}

// Connections and the 503 rejecters each hold a descriptor; the soft limit
// (often 1024) would run out long before max-connections + 1024 rejecters.
// --snapshot FILE: its data replaces the store's in one write unit before the
// server listens. An explicit flag, so a non-empty data directory is replaced
// too (the file itself is only read). nullopt on success, else why not.
std::optional<std::string> RestoreSnapshotFile(chime::storage::Store& store, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "cannot read --snapshot " + file + ": " + std::strerror(errno);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::shared_ptr<chime::storage::Database> snapshot;
  try {
    snapshot = chime::storage::LoadSnapshot(bytes);
  } catch (const std::exception& e) {
    return "invalid --snapshot " + file + ": " + e.what();
  }
  std::promise<void> restored;
  chime::storage::Work work;
  work.run = [snapshot](chime::storage::Database& db) { chime::storage::ReplaceData(db, *snapshot); };
  work.done = [&restored](std::exception_ptr e) { e ? restored.set_exception(e) : restored.set_value(); };
  store.SubmitWrite(std::move(work));
  try {
    restored.get_future().get();
  } catch (const std::exception& e) {
    return "cannot restore --snapshot " + file + ": " + e.what();
  }
  return std::nullopt;
}

void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Outgoing AWS calls (--lambda-endpoint, --kinesis-endpoint, --eventbridge-endpoint,
// --pinpoint-endpoint) sign with the
// credentials of the emulator's environment, test/test when unset.
chime::server::AwsHttpClient::Options OutgoingClient(const ServerConfig& config, const std::string& endpoint) {
  auto env = [](const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return std::string(v && *v ? v : fallback);
  };
  chime::server::AwsHttpClient::Options options;
  options.endpoint = endpoint;
  options.region = config.region;
  options.credentials = {env("AWS_ACCESS_KEY_ID", "test"), env("AWS_SECRET_ACCESS_KEY", "test"),
                         env("AWS_SESSION_TOKEN", "")};
  return options;
}

using chime::storage::Log;
using chime::storage::LogLevel;

int Fail(const std::string& message) {
  Log(LogLevel::kError, "chime-local: " + message);
  return 1;
}

// --seed-file: applied through the same POST /_chime-local/seed as at run time
// (one write unit, all or nothing), but only into an empty store, so a
// container restarted on its volume keeps its data instead of failing on the
// seed's fixed ids. Kept as the start seed that POST /_chime-local/reset
// restores. Returns the error that stops the start, if any.
std::optional<std::string> ApplySeedFile(const ServerConfig& config, chime::api::Dispatcher& dispatcher) {
  namespace api = chime::api;
  std::ifstream in(config.seed_file, std::ios::binary);
  if (!in) return "cannot read --seed-file " + config.seed_file + ": " + std::strerror(errno);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json seed;
  try {
    seed = api::ParseSeed(text);
  } catch (const std::exception& e) {
    return "invalid --seed-file " + config.seed_file + ": " + e.what();
  }
  if (config.read_only) {
    Log(LogLevel::kWarn, "chime-local: --read-only: --seed-file " + config.seed_file + " is checked but not applied");
    return std::nullopt;
  }
  api::HttpRequest request;
  request.method = "POST";
  request.target = "/_chime-local/seed?ifEmpty=true";
  request.body = std::move(text);
  api::HttpResponse response = dispatcher.Handle(request);
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    const std::string why = body.is_object() ? body.value("Message", response.body) : response.body;
    return "invalid --seed-file " + config.seed_file + ": " + why;
  }
  if (body.is_object() && body.value("skipped", false)) {
    Log(LogLevel::kInfo, "chime-local: the store already holds data: --seed-file " + config.seed_file +
                             " not applied (POST /_chime-local/reset restores it)");
  } else {
    Log(LogLevel::kInfo, "chime-local: seeded from " + config.seed_file);
  }
  dispatcher.fixture().SetStartSeed(std::move(seed));
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  namespace server = chime::server;
  namespace api = chime::api;
  namespace storage = chime::storage;

  // A closed stdout/stderr reader (a test harness that went away) must not
  // kill the server through SIGPIPE; writes then just fail.
  std::signal(SIGPIPE, SIG_IGN);
  RaiseDescriptorLimit();

  if (argc > 1 && std::string_view(argv[1]) == "trust") return server::RunTrust(argc - 1, argv + 1);

  server::ParseResult parsed = server::ParseConfig(argc, argv, server::ProcessEnvironment());
  if (!parsed.ok()) {
    std::fprintf(stderr, "chime-local: %s\nTry 'chime-local --help' for the list of options.\n",
                 parsed.error.c_str());
    return 2;
  }
  switch (parsed.action) {
    case server::ParseResult::Action::kHelp:
      std::fputs(server::HelpText().c_str(), stdout);
      return 0;
    case server::ParseResult::Action::kVersion:
      std::puts(server::VersionText().c_str());
      return 0;
    case server::ParseResult::Action::kRun:
      break;
  }
  const ServerConfig& config = parsed.config;
  // Every line from here on, of every layer, goes through this one sink (--log-level,
  // --log-format). Declared first, so it outlives every thread that logs.
  const server::Logger logger(config.log_level, config.log_format);
  storage::SetLogSink(&logger);
  if (config.read_only && config.InMemory()) {
    Log(LogLevel::kError, "chime-local: --read-only serves an existing database file; it cannot be combined "
                          "with --in-memory or --data-file :memory:");
    return 2;
  }

  if (config.read_only && !config.snapshot_file.empty()) {
    Log(LogLevel::kError, "chime-local: --snapshot replaces the data, so it cannot be combined with --read-only");
    return 2;
  }

  if (std::filesystem::path dir = DataDirectory(config); !dir.empty() && !config.read_only) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Fail("cannot create data directory " + dir.string() + ": " + ec.message() + " (running as uid " +
                  std::to_string(::geteuid()) + "): create it yourself, or choose another --data-dir");
    }
  }

  // Refuse at start what would make every write fail later (a read-only file
  // or directory), and say why in words a user can act on.
  const std::string db_path = config.DatabasePath();
  const int latest_schema = storage::LatestSchemaVersion();
  if (!config.InMemory()) {
    if (auto why = server::DiagnoseDatabasePath(db_path, config.read_only, latest_schema)) return Fail(*why);
  }
  std::unique_ptr<storage::Store> store;
  try {
    storage::Store::Options store_options;
    store_options.read_only = config.read_only;  // every connection SQLITE_OPEN_READONLY, no writer
    store = storage::Store::Open(db_path, store_options);
  } catch (const std::exception& e) {
    return Fail(server::ExplainOpenFailure(db_path, e.what(), config.read_only, latest_schema));
  }
  if (!config.snapshot_file.empty()) {
    if (auto why = RestoreSnapshotFile(*store, config.snapshot_file)) return Fail(*why);
  }

  // Bind before building the dispatcher: with --port 0 only now is the port known.
  std::unique_ptr<server::HttpServer> http;
  try {
    http = std::make_unique<server::HttpServer>(config);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }

  api::ServiceConfig service;
  service.region = config.region;
  service.account_id = config.account_id;
  service.sigv4_strict = config.sigv4_strict;
  service.credentials = config.credentials;
  // --public-host is the name clients reach us by (a container name, a LAN host).
  service.messaging_endpoint_host = server::EndpointHost(config.host, http->port());
  if (!config.public_host.empty()) {
    const bool has_port = config.public_host.find(':', config.public_host.rfind(']') + 1) != std::string::npos;
    service.messaging_endpoint_host =
        has_port ? config.public_host : config.public_host + ":" + std::to_string(http->port());
  }

  // The emulator's test-fixture state (faults, journal, throttling, the test
  // clock, the event log, the start seed, storage health): built before the
  // event sinks (one records into its event log) and the flow runner (which
  // reads its clock).
  api::Fixture fixture;
  fixture.events().set_capacity(config.event_log_size);

  api::SessionHub::Options hub_options;
  hub_options.max_sessions = config.max_sessions;
  hub_options.max_sessions_per_user = config.max_sessions_per_user;
  api::SessionHub hub(hub_options);
  service.sessions = &hub;

  // Channel flows: the timeout sweep and, with --lambda-endpoint, the Lambda
  // invoker whose undeliverable invocations the runner turns into FallbackActions.
  service.channel_flow_timeout_ms = config.channel_flow_timeout_ms;
  // Where committed events go: the messaging session's hub and, with
  // --kinesis-endpoint, the streaming sink around it.
  api::EventSink* sink = &hub;
  api::StreamingDirectory streaming;
  std::unique_ptr<server::KinesisStreamer> kinesis;
  std::unique_ptr<api::StreamingEventSink> streaming_sink;
  if (!config.kinesis_endpoint.empty()) {
    try {
      std::promise<void> loaded;
      storage::Work load;
      load.run = [&streaming](storage::Database& db) {
        for (const auto& [app, list] : storage::ListAllStreamingConfigurations(db)) {
          streaming.Set(app, nlohmann::json::parse(list));
        }
      };
      load.done = [&loaded](std::exception_ptr e) { e ? loaded.set_exception(e) : loaded.set_value(); };
      store->SubmitRead(std::move(load));
      loaded.get_future().get();
    } catch (const std::exception& e) {
      return Fail(std::string("cannot load the streaming configurations: ") + e.what());
    }
    kinesis = std::make_unique<server::KinesisStreamer>(OutgoingClient(config, config.kinesis_endpoint),
                                                        server::RetryingQueue::Options{});
    streaming_sink = std::make_unique<api::StreamingEventSink>(sink, *kinesis, streaming);
    sink = streaming_sink.get();
    service.streaming = &streaming;
  }

  // The certificate of https:// and wss:// (the local CA's, or --tls-cert),
  // before the Dispatcher: GET /_chime-local/ca.pem serves the CA.
  std::filesystem::path tls_temp_dir;
  server::TlsFiles tls;
  try {
    tls = chime::server::ResolveTls(config, DataDirectory(config), tls_temp_dir);
  } catch (const std::exception& e) {
    return Fail(std::string("cannot set up TLS for the messaging session: ") + e.what());
  }
  service.tls_ca_file = tls.ca_cert;

  // EventBridge events go to the fixture's journal and, with
  // --eventbridge-endpoint, on to its PutEvents.
  std::unique_ptr<server::EventBridgePublisher> eventbridge;
  if (!config.eventbridge_endpoint.empty()) {
    eventbridge = std::make_unique<server::EventBridgePublisher>(OutgoingClient(config, config.eventbridge_endpoint),
                                                                 server::RetryingQueue::Options{});
    fixture.eventbridge_events().set_forward(eventbridge.get());
  }
  service.eventbridge = &fixture.eventbridge_events();
  // Push notifications of new messages go to the fixture's journal and, with
  // --pinpoint-endpoint, on to its SendMessages.
  std::unique_ptr<server::PinpointSender> pinpoint;
  if (!config.pinpoint_endpoint.empty()) {
    pinpoint = std::make_unique<server::PinpointSender>(OutgoingClient(config, config.pinpoint_endpoint),
                                                        server::RetryingQueue::Options{});
    fixture.push_notifications().set_forward(pinpoint.get());
  }
  service.push_notifications = &fixture.push_notifications();
  // The flow runner is built before the Dispatcher because the Dispatcher's
  // ServiceConfig carries the Lambda invoker, whose failures go to the runner.
  // Every event is recorded for GET /_chime-local/events, session or not.
  api::EventLogSink event_log_sink(sink, fixture.events(), fixture.clock());
  sink = &event_log_sink;
  // Background units (flow time-outs, periodic sweeps) and their one timer thread.
  api::UnitRunner units(*store, *sink, [&fixture] { fixture.NoteChange(); });
  api::ChannelFlowRunner flow_runner(service, units, fixture.clock());
  api::Scheduler scheduler;
  hub.SetChangeObserver([&fixture] { fixture.NoteChange(); });
  std::unique_ptr<server::LambdaInvoker> lambda;
  if (!config.lambda_endpoint.empty()) {
    // Each attempt gets a quarter of the flow timeout, 5 s at most, so that the
    // retries fit in it; no attempt outlives its invocation's deadline anyway.
    auto client = OutgoingClient(config, config.lambda_endpoint);
    client.timeout = std::chrono::milliseconds(
        std::clamp<int64_t>(config.channel_flow_timeout_ms / 4, 100, 5000));
    lambda = std::make_unique<server::LambdaInvoker>(
        std::move(client), server::RetryingQueue::Options{},
        server::Logger(config.log_level, config.log_format),
        [&flow_runner](const std::string& callback_id, const std::string& reason) {
          flow_runner.ReportFailure(callback_id, reason);
        });
    service.processor_invoker = lambda.get();
  }
  // AppInstanceBots: with --lex-endpoint, Lex answers their invocations.
  api::BotAnswerRunner bot_runner(service, units, fixture.clock());
  std::unique_ptr<server::LexClient> lex;
  if (!config.lex_endpoint.empty()) {
    lex = std::make_unique<server::LexClient>(
        OutgoingClient(config, config.lex_endpoint), server::RetryingQueue::Options{},
        server::Logger(config.log_level, config.log_format),
        [&bot_runner](const std::string& id, const nlohmann::json& answer) { bot_runner.Answer(id, answer); },
        [&bot_runner](const std::string& id, const std::string& code, const std::string& reason) {
          bot_runner.Fail(id, code, reason);
        });
    service.lex_invoker = lex.get();
  }
  // Every periodic job writes: a read-only store runs none.
  api::RegisterPeriodicJobs(scheduler, units, fixture.clock(), flow_runner, store->read_only());

  std::unique_ptr<api::Dispatcher> dispatcher;
  try {
    dispatcher = std::make_unique<api::Dispatcher>(
        service, *store, api::StorageInfo{store->in_memory(), store->read_only()}, sink, &fixture);
  } catch (const std::exception& e) {
    return Fail(std::string("cannot initialise the API: ") + e.what());
  }

  fixture.journal().set_capacity(config.journal_size);
  fixture.throttling().SetEnabled(config.throttle);
  if (!config.faults_file.empty()) {
    std::ifstream in(config.faults_file, std::ios::binary);
    if (!in) return Fail("cannot read --faults-file " + config.faults_file + ": " + std::strerror(errno));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      fixture.faults().AddAll(api::ParseBoundedJson(text));
    } catch (const std::exception& e) {
      return Fail("invalid --faults-file " + config.faults_file + ": " + e.what());
    }
  }

  if (!config.seed_file.empty()) {
    if (auto error = ApplySeedFile(config, *dispatcher)) return Fail(*error);
  }

  // https:// and wss:// on the same port; the messaging session (WebSocket)
  // and browser access (CORS).
  try {
    http->SetTls(tls.cert_chain, tls.private_key, tls.ca_cert, !config.tls_cert.empty());
  } catch (const std::exception& e) {
    return Fail(std::string("cannot set up TLS for the messaging session: ") + e.what());
  }
  server::WebAccess web(config.cors_origins, config.public_host);
  server::MessagingTransport::Options options;
  options.dispatcher = dispatcher.get();
  options.hub = &hub;
  options.log = [](server::LogLevel level, std::string_view message) { Log(level, message); };
  auto messaging = std::make_unique<server::MessagingTransport>(std::move(options));
  http->SetMessaging(messaging.get(), &web);
  // Long polls of /_chime-local/events answer (without events) at once.
  http->SetOnShutdown([&fixture] { fixture.events().Stop(); });

  // Started last: no early return above leaves a sweep unit behind in the store.
  scheduler.Start();
  int rc = http->Run(*dispatcher, [&tls](uint16_t) {
    // After the "listening" line, which tools read first.
    std::string line = tls.ca_cert.empty() ? "chime-local TLS certificate: " + tls.cert_chain + "\n"
                                           : "chime-local TLS CA: " + tls.ca_cert +
                                                 " (trust it for wss://; Node: NODE_EXTRA_CA_CERTS)\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  });
  scheduler.Stop();
  flow_runner.Stop();
  // Long polls still waiting get their (empty) answer while the server exists.
  fixture.events().Stop();
  bot_runner.Stop();
  if (lambda) lambda->Stop();
  if (lex) lex->Stop();
  if (kinesis) kinesis->Stop();
  if (eventbridge) eventbridge->Stop();
  if (pinpoint) pinpoint->Stop();
  // Explicit teardown order: no more requests; the pipeline finishes what it
  // holds (completions posted to the stopped server are dropped with it); then
  // the server, the API and SQLite.
  store->Stop();
  http.reset();
  messaging.reset();
  dispatcher.reset();
  store.reset();
  if (!tls_temp_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tls_temp_dir, ec);
  }
  return rc;
}
