// ServerConfig: the process-level settings of chime-local (where to listen,
// where the data lives, transport limits), parsed from command-line flags and
// CHIME_LOCAL_* environment variables. Flags override the environment, which
// overrides the defaults below.
//
// Deliberately free of Boost so the unit tests can link it without paying for
// Beast/Asio. Settings the api/ layer needs are copied into api::ServiceConfig
// by main.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/service_config.hpp"
#include "storage/log.hpp"

namespace chime::server {

// The levels of the process's log sink (storage/log.hpp).
using LogLevel = storage::LogLevel;

// "error", "warn", "info", "debug".
std::string_view LogLevelName(LogLevel level);

// text: "2026-01-02T03:04:05.678Z INFO ..." lines; json: one JSON object per line.
enum class LogFormat { kText, kJson };

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 4590;  // 0 = let the kernel pick a free port
  std::string data_dir = "./chime-local-data";
  // Empty = <data_dir>/chime-local.sqlite3; ":memory:" = in-memory database.
  std::string data_file;
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kText;
  // Serve an existing database without writing to it (writes are refused).
  bool read_only = false;
  // Token buckets at the service's rate quotas (api/control/throttling.hpp).
  bool throttle = false;
  uint64_t max_body_bytes = 1024 * 1024;
  // Body bound of PUT /_chime-local/snapshot only (a whole database file).
  uint64_t max_snapshot_bytes = 256ull * 1024 * 1024;
  // A snapshot (GET /_chime-local/snapshot) whose data replaces the store's
  // at start, before the server listens.
  std::string snapshot_file;
  uint32_t max_header_bytes = 16 * 1024;
  // The request head must arrive within this many seconds of its first byte
  // (of the connection, for the first request); separate from the idle timeout.
  uint32_t header_timeout_seconds = 10;
  uint32_t idle_timeout_seconds = 60;
  // Worst-case request memory is max_connections x (max_body_bytes +
  // max_header_bytes): 128 x ~1 MiB by default.
  uint32_t max_connections = 128;
  uint32_t threads = 1;
  // host[:port] that clients use to reach the emulator when it is not
  // localhost (a container name, a LAN name); also an accepted Host header.
  std::string public_host;
  // Comma-separated Host names accepted besides localhost, loopback addresses
  // and public_host ("*" = any; ".example.com" = it and its subdomains).
  // Empty: loopback listeners accept only those, others accept any Host.
  std::string allowed_hosts;
  // Comma-separated origins (e.g. http://localhost:3000, or "*") whose web
  // pages may call /_chime-local/ endpoints.
  std::string control_origins;
  // Fault rules to load at start (a JSON list; docs/testing.md "Test-fixture endpoints").
  std::string faults_file;
  // Seed to apply at start when the store is empty, and to restore on reset
  // (docs/testing.md "Seed files").
  std::string seed_file;
  // Requests kept by the journal (/_chime-local/requests).
  uint32_t journal_size = 1000;
  // Messaging events kept by the event log (/_chime-local/events); 0: off.
  uint32_t event_log_size = 10000;
  // Messaging session (docs/browser-and-tls.md "Real-time messaging"); public_host above also
  // names the WebSocket endpoint (empty = the request's Host header).
  std::string tls_cert;             // empty = generated local CA + certificate
  std::string tls_key;
  std::string ca_dir;                  // empty: see server/ca_location.hpp
  std::vector<std::string> tls_sans;   // more names for the generated server certificate
  // Browser origins allowed besides the loopback ones (http(s)://localhost,
  // 127.0.0.1, [::1], any port), which always are: comma-separated, or *.
  std::string cors_origins;
  uint32_t max_sessions = 10000;
  uint32_t max_sessions_per_user = 10;
  // Channel flows: a processor that has not called back this long after its
  // invocation leaves its message FAILED (AWS waits up to 48 hours).
  uint32_t channel_flow_timeout_ms = 30000;
  // http://HOST:PORT of an AWS Lambda API (LocalStack, ...) that runs the
  // channel-flow processors; empty = invocations only wait in the queue of
  // GET /_chime-local/channel-flow-invocations.
  std::string lambda_endpoint;
  // http://HOST:PORT of a Kinesis API that gets the messaging streaming
  // records; empty = streaming configurations are only stored.
  std::string kinesis_endpoint;
  // --eventbridge-endpoint: http://HOST:PORT of an EventBridge API (LocalStack,
  // moto) that gets the emulator's EventBridge events as PutEvents; empty: none.
  std::string eventbridge_endpoint;
  // --pinpoint-endpoint: http://HOST:PORT of an Amazon Pinpoint API that gets
  // the push notifications of new messages as SendMessages; empty: none.
  std::string pinpoint_endpoint;
  // --lex-endpoint: Lex V2 runtime that answers AppInstanceBots (RecognizeText); empty: the queue only.
  std::string lex_endpoint;
  // --sigv4 strict: AWS requests and the messaging session's /connect must be
  // signed (SigV4) by one of `credentials` (--credentials AKID:SECRET,
  // repeatable); lenient (false, the default) checks nothing.
  bool sigv4_strict = false;
  std::vector<api::AccessKey> credentials;

  bool InMemory() const { return data_file == ":memory:"; }
  // The path handed to storage::Database::Open: ":memory:", data_file, or
  // data_dir + "/chime-local.sqlite3".
  std::string DatabasePath() const;
};

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// EnvLookup backed by the real process environment (std::getenv).
EnvLookup ProcessEnvironment();

struct ParseResult {
  enum class Action { kRun, kHelp, kVersion };
  Action action = Action::kRun;
  ServerConfig config;  // meaningful only when ok() and action == kRun
  std::string error;    // one line, e.g. "invalid value 'x' for --port: ..."

  bool ok() const { return error.empty(); }
};

// Parses argv (argv[0] is the program name and is skipped) on top of the
// environment. Accepts "--flag value" and "--flag=value". An empty environment
// variable counts as unset. "--help"/"-h" and "--version" win over any other
// flag or bad value so that help is always reachable.
ParseResult ParseConfig(int argc, const char* const* argv, const EnvLookup& env);

// The --help text: usage, then every flag with its environment variable and
// default value.
std::string HelpText();

// "chime-local <version>".
std::string VersionText();

}  // namespace chime::server
