#include "server/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace chime::server {

namespace {

// Keep in sync with project(... VERSION ...) in the top-level CMakeLists.txt.
constexpr std::string_view kVersion = "0.1.0";

// Returns an error description (without the "invalid value" prefix), or an
// empty string when the value was accepted.
using Setter = std::string (*)(ServerConfig&, std::string_view);

struct Option {
  std::string_view flag;     // "--port"
  std::string_view env;      // "CHIME_LOCAL_PORT"
  std::string_view metavar;  // "PORT"; empty for a switch that takes no value
  std::string_view help;
  std::string (*default_text)(const ServerConfig&);
  Setter set;
};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsLower(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Parses a plain decimal integer in [min, max]; no sign, no suffix.
std::optional<uint64_t> ParseUint(std::string_view s, uint64_t min, uint64_t max) {
  if (!IsDigits(s)) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::string RangeError(uint64_t min, uint64_t max) {
  return "must be an integer between " + std::to_string(min) + " and " + std::to_string(max);
}

template <typename T>
std::string SetUint(T& field, std::string_view value, uint64_t min, uint64_t max) {
  auto v = ParseUint(value, min, max);
  if (!v) return RangeError(min, max);
  field = static_cast<T>(*v);
  return {};
}

// An outgoing endpoint (--lambda-endpoint, --kinesis-endpoint, --eventbridge-endpoint,
// --pinpoint-endpoint, --lex-endpoint): plain http://, no trailing '/'.
std::string SetHttpEndpoint(std::string& field, std::string_view value) {
  if (value.rfind("http://", 0) != 0 || value.size() <= 7) return "must be an http:// URL, e.g. http://127.0.0.1:4566";
  field = std::string(value);
  while (!field.empty() && field.back() == '/') field.pop_back();
  return {};
}

std::optional<bool> ParseBool(std::string_view value) {
  std::string v = ToLower(value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return std::nullopt;
}

// AWS region shape: [a-z]{2}(-[a-z]+)+-[0-9]+, e.g. us-east-1, us-gov-west-1.
bool IsRegion(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t dash = s.find('-', start);
    parts.push_back(s.substr(start, dash == std::string_view::npos ? dash : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() < 3) return false;
  if (parts.front().size() != 2 || !IsLower(parts.front())) return false;
  if (!IsDigits(parts.back())) return false;
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (!IsLower(parts[i])) return false;
  }
  return true;
}

std::string Quote(std::string_view s) {
  // Appended piecewise: "'" + std::string(s) trips GCC 12's -Wrestrict false positive.
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

// One AKID:SECRET pair of --credentials.
std::string CheckAccessKey(std::string_view v) {
  const size_t colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == v.size())
    return "must be ACCESS_KEY_ID:SECRET_ACCESS_KEY (comma-separated for several)";
  for (char c : v) {
    if (std::isspace(static_cast<unsigned char>(c))) return "must not contain spaces";
  }
  return {};
}

// Calls `each` on every item of a comma-separated list (spaces around items
// trimmed) and returns the first complaint, if any.
template <typename Each>
std::string ForEachListItem(std::string_view v, Each each) {
  for (;;) {
    size_t comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) return "must be a comma-separated list without empty items";
    if (std::string why = each(item); !why.empty()) return why;
    if (comma == std::string_view::npos) return {};
    v.remove_prefix(comma + 1);
  }
}

// A comma-separated list whose items all pass `check`; returns the first bad item's complaint.
std::string CheckList(std::string_view v, std::string (*check)(std::string_view item)) {
  return ForEachListItem(v, check);
}

// host or host:port (no scheme, no path).
std::string CheckHostPort(std::string_view v) {
  if (v.find("://") != std::string_view::npos || v.find('/') != std::string_view::npos)
    return Quote(v) + " must be host or host:port, without scheme or path";
  for (char c : v) {
    if (std::isspace(static_cast<unsigned char>(c))) return Quote(v) + " must not contain spaces";
  }
  return {};
}

std::string CheckOrigin(std::string_view v) {
  if (v == "*" || v == "null") return {};
  if ((v.substr(0, 7) == "http://" && v.size() > 7) || (v.substr(0, 8) == "https://" && v.size() > 8)) {
    if (v.find('/', v.find("://") + 3) != std::string_view::npos && v.back() != '/')
      return Quote(v) + " must be an origin (scheme://host[:port]) without a path";
    return {};
  }
  return Quote(v) + " must be an origin such as http://localhost:3000, or *";
}

// The option table drives parsing, the environment and --help alike.
const std::array<Option, 41>& Options() {
  static const std::array<Option, 41> kOptions = {{
      {"--host", "CHIME_LOCAL_HOST", "HOST", "Address or host name to listen on.",
       [](const ServerConfig& c) { return c.host; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must not be empty";
         c.host = std::string(v);
         return {};
       }},
      {"--port", "CHIME_LOCAL_PORT", "PORT", "TCP port; 0 picks a free port (printed at startup).",
       [](const ServerConfig& c) { return std::to_string(c.port); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.port, v, 0, 65535); }},
      {"--data-dir", "CHIME_LOCAL_DATA_DIR", "DIR", "Directory for the database; created if missing.",
       [](const ServerConfig& c) { return c.data_dir; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must not be empty";
         c.data_dir = std::string(v);
         return {};
       }},
      {"--data-file", "CHIME_LOCAL_DATA_FILE", "FILE",
       "SQLite database file; ':memory:' keeps everything in memory.",
       [](const ServerConfig&) { return std::string("<data-dir>/chime-local.sqlite3"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         c.data_file = std::string(v);  // empty restores the default path
         return {};
       }},
      {"--in-memory", "CHIME_LOCAL_IN_MEMORY", "",
       "Same as --data-file :memory: (env: 1/true/yes/on).",
       [](const ServerConfig&) { return std::string("off"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         auto b = ParseBool(v);
         if (!b) return "must be one of 1, true, yes, on, 0, false, no, off";
         if (*b) c.data_file = ":memory:";
         return {};
       }},
      {"--region", "CHIME_LOCAL_REGION", "REGION", "Region used in ARNs and endpoints.",
       [](const ServerConfig& c) { return c.region; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (!IsRegion(v)) return "must look like an AWS region, e.g. us-east-1";
         c.region = std::string(v);
         return {};
       }},
      {"--account-id", "CHIME_LOCAL_ACCOUNT_ID", "ID", "AWS account id used in ARNs (12 digits).",
       [](const ServerConfig& c) { return c.account_id; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.size() != 12 || !IsDigits(v)) return "must be exactly 12 digits";
         c.account_id = std::string(v);
         return {};
       }},
      {"--log-level", "CHIME_LOCAL_LOG_LEVEL", "LEVEL",
       "error, warn, info or debug; info logs one line per request.",
       [](const ServerConfig& c) { return std::string(LogLevelName(c.log_level)); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         std::string l = ToLower(v);
         for (LogLevel level : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
           if (l == LogLevelName(level)) {
             c.log_level = level;
             return {};
           }
         }
         return "must be one of error, warn, info, debug";
       }},
      {"--log-format", "CHIME_LOCAL_LOG_FORMAT", "FORMAT",
       "text (one line per event) or json (one JSON object per line); logs go to stderr.",
       [](const ServerConfig& c) { return std::string(c.log_format == LogFormat::kJson ? "json" : "text"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         std::string l = ToLower(v);
         if (l == "text") c.log_format = LogFormat::kText;
         else if (l == "json") c.log_format = LogFormat::kJson;
         else return "must be text or json";
         return {};
       }},
      {"--read-only", "CHIME_LOCAL_READ_ONLY", "",
       "Serve an existing database without writing to it; writes get ForbiddenException.",
       [](const ServerConfig&) { return std::string("off"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         auto b = ParseBool(v);
         if (!b) return "must be one of 1, true, yes, on, 0, false, no, off";
         c.read_only = *b;
         return {};
       }},
      {"--throttle", "CHIME_LOCAL_THROTTLE", "",
       "Refuse requests above the service's rate quotas with ThrottledClientException (429); also\n"
       "      POST /_chime-local/throttle {\"enabled\": true}.",
       [](const ServerConfig&) { return std::string("off"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         auto b = ParseBool(v);
         if (!b) return "must be one of 1, true, yes, on, 0, false, no, off";
         c.throttle = *b;
         return {};
       }},
      {"--public-host", "CHIME_LOCAL_PUBLIC_HOST", "HOST[:PORT]",
       "Name clients use to reach the emulator when not localhost (a proxy, a container port mapping):\n"
       "      accepted as a Host header, and returned by GetMessagingSessionEndpoint.",
       [](const ServerConfig& c) { return c.public_host.empty() ? std::string("(the request's Host)") : c.public_host; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (std::string why = CheckHostPort(v); !why.empty()) return why;
         c.public_host = std::string(v);
         return {};
       }},
      {"--allowed-hosts", "CHIME_LOCAL_ALLOWED_HOSTS", "LIST",
       "Extra Host names accepted (comma-separated; .example.com = and subdomains; * = any).",
       [](const ServerConfig&) { return std::string("(loopback listener: localhost and loopback only; else any)"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (std::string why = CheckList(v, CheckHostPort); !why.empty()) return why;
         c.allowed_hosts = std::string(v);
         return {};
       }},
      {"--control-origins", "CHIME_LOCAL_CONTROL_ORIGINS", "LIST",
       "Web origins allowed to call /_chime-local/ (comma-separated, e.g. http://localhost:3000; * = any).",
       [](const ServerConfig&) { return std::string("(none)"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (std::string why = CheckList(v, CheckOrigin); !why.empty()) return why;
         c.control_origins = std::string(v);
         return {};
       }},
      {"--max-body-bytes", "CHIME_LOCAL_MAX_BODY_BYTES", "N",
       "Largest accepted request body; larger bodies get 413.",
       [](const ServerConfig& c) { return std::to_string(c.max_body_bytes); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.max_body_bytes, v, 1, 1ull << 30); }},
      {"--max-snapshot-bytes", "CHIME_LOCAL_MAX_SNAPSHOT_BYTES", "N",
       "Largest accepted body of PUT /_chime-local/snapshot (a whole database file); larger get 413.",
       [](const ServerConfig& c) { return std::to_string(c.max_snapshot_bytes); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.max_snapshot_bytes, v, 1, 16ull << 30); }},
      {"--max-header-bytes", "CHIME_LOCAL_MAX_HEADER_BYTES", "N",
       "Largest accepted request line plus headers; larger get 431.",
       [](const ServerConfig& c) { return std::to_string(c.max_header_bytes); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.max_header_bytes, v, 1, 64u << 20); }},
      {"--header-timeout", "CHIME_LOCAL_HEADER_TIMEOUT", "SECONDS",
       "A request head must arrive within this long (from its first byte, or from connecting).",
       [](const ServerConfig& c) { return std::to_string(c.header_timeout_seconds); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.header_timeout_seconds, v, 1, 3600); }},
      {"--idle-timeout", "CHIME_LOCAL_IDLE_TIMEOUT", "SECONDS",
       "Close a keep-alive connection after this long without a new request; also bounds a body.",
       [](const ServerConfig& c) { return std::to_string(c.idle_timeout_seconds); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.idle_timeout_seconds, v, 1, 86400); }},
      {"--max-connections", "CHIME_LOCAL_MAX_CONNECTIONS", "N",
       "Connections served at once; at the limit the longest-idle one makes room, and when all are busy\n"
       "      new ones get 503. Worst-case request memory is N x (max-body-bytes + max-header-bytes).",
       [](const ServerConfig& c) { return std::to_string(c.max_connections); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.max_connections, v, 1, 1000000); }},
      {"--faults-file", "CHIME_LOCAL_FAULTS_FILE", "FILE",
       "JSON list of fault rules to start with (as POSTed to /_chime-local/faults).",
       [](const ServerConfig&) { return std::string("(none)"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must name a file";
         c.faults_file = std::string(v);
         return {};
       }},
      {"--seed-file", "CHIME_LOCAL_SEED_FILE", "FILE",
       "JSON seed (app instances, users, channels, messages... as API inputs) applied at start when the\n"
       "      store is empty, and restored by POST /_chime-local/reset. An invalid seed stops the start.",
       [](const ServerConfig&) { return std::string("(none)"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must name a file";
         c.seed_file = std::string(v);
         return {};
       }},
      {"--snapshot", "CHIME_LOCAL_SNAPSHOT", "FILE",
       "Start from this snapshot (a file saved from GET /_chime-local/snapshot): its data replaces\n"
       "      the store's before the server listens (also in a non-empty data directory).",
       [](const ServerConfig&) { return std::string("(none)"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must name a file";
         c.snapshot_file = std::string(v);
         return {};
       }},
      {"--journal-size", "CHIME_LOCAL_JOURNAL_SIZE", "N",
       "Requests kept in the journal (/_chime-local/requests); 0 turns it off.",
       [](const ServerConfig& c) { return std::to_string(c.journal_size); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.journal_size, v, 0, 1000000); }},
      {"--event-log-size", "CHIME_LOCAL_EVENT_LOG_SIZE", "N",
       "Messaging events kept for GET /_chime-local/events; 0 turns the log off.",
       [](const ServerConfig& c) { return std::to_string(c.event_log_size); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.event_log_size, v, 0, 1000000); }},
      {"--channel-flow-timeout", "CHIME_LOCAL_CHANNEL_FLOW_TIMEOUT", "SECONDS",
       "Channel flows: a message whose processor has not called back this long after its\n"
       "      invocation becomes FAILED (AWS: 48 hours). Fractions allowed (0.5).",
       [](const ServerConfig& c) {
         char buf[32];
         std::snprintf(buf, sizeof buf, "%g", c.channel_flow_timeout_ms / 1000.0);
         return std::string(buf);
       },
       [](ServerConfig& c, std::string_view v) -> std::string {
         const std::string text(v);
         char* end = nullptr;
         const double seconds = std::strtod(text.c_str(), &end);
         if (text.empty() || end != text.c_str() + text.size() || !(seconds >= 0.05 && seconds <= 172800)) {
           return "must be a number of seconds between 0.05 and 172800 (48 hours)";
         }
         c.channel_flow_timeout_ms = static_cast<uint32_t>(seconds * 1000.0 + 0.5);
         return {};
       }},
      {"--lambda-endpoint", "CHIME_LOCAL_LAMBDA_ENDPOINT", "URL",
       "http://HOST:PORT of an AWS Lambda API (e.g. LocalStack) that runs channel-flow processors\n"
       "      (Invoke, InvocationType Event, SigV4 with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).",
       [](const ServerConfig&) { return std::string("(none: invocations wait in /_chime-local/channel-flow-invocations)"); },
       [](ServerConfig& c, std::string_view v) { return SetHttpEndpoint(c.lambda_endpoint, v); }},
      {"--kinesis-endpoint", "CHIME_LOCAL_KINESIS_ENDPOINT", "URL",
       "http://HOST:PORT of a Kinesis API (e.g. LocalStack, moto) that gets the messaging streaming\n"
       "      records of PutMessagingStreamingConfigurations (PutRecord, SigV4 like --lambda-endpoint).",
       [](const ServerConfig&) { return std::string("(none: streaming configurations are only stored)"); },
       [](ServerConfig& c, std::string_view v) { return SetHttpEndpoint(c.kinesis_endpoint, v); }},
      {"--eventbridge-endpoint", "CHIME_LOCAL_EVENTBRIDGE_ENDPOINT", "URL",
       "http://HOST:PORT of an EventBridge emulator (e.g. LocalStack, moto) that gets the events\n"
       "      /_chime-local/eventbridge-events lists (PutEvents, SigV4 like --lambda-endpoint).",
       [](const ServerConfig&) { return std::string("(none: events are only listed)"); },
       [](ServerConfig& c, std::string_view v) { return SetHttpEndpoint(c.eventbridge_endpoint, v); }},
      {"--pinpoint-endpoint", "CHIME_LOCAL_PINPOINT_ENDPOINT", "URL",
       "http://HOST:PORT of an Amazon Pinpoint API (e.g. LocalStack, a stub) that gets the push\n"
       "      notifications /_chime-local/push-notifications lists (SendMessages, SigV4 like --lambda-endpoint).",
       [](const ServerConfig&) { return std::string("(none: push notifications are only listed)"); },
       [](ServerConfig& c, std::string_view v) { return SetHttpEndpoint(c.pinpoint_endpoint, v); }},
      {"--lex-endpoint", "CHIME_LOCAL_LEX_ENDPOINT", "URL",
       "http://HOST:PORT of an Amazon Lex V2 runtime API that answers AppInstanceBots\n"
       "      (RecognizeText, SigV4 service lex like --lambda-endpoint).",
       [](const ServerConfig&) { return std::string("(none: invocations wait in /_chime-local/bot-invocations)"); },
       [](ServerConfig& c, std::string_view v) { return SetHttpEndpoint(c.lex_endpoint, v); }},
      {"--sigv4", "CHIME_LOCAL_SIGV4", "MODE",
       "lenient (nothing checked) or strict: every AWS request and the messaging /connect must carry\n"
       "      a right SigV4 signature (service chime, any region, 15 minutes) by one of --credentials.",
       [](const ServerConfig& c) { return std::string(c.sigv4_strict ? "strict" : "lenient"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         const std::string l = ToLower(v);
         if (l == "strict") c.sigv4_strict = true;
         else if (l == "lenient") c.sigv4_strict = false;
         else return "must be lenient or strict";
         return {};
       }},
      {"--credentials", "CHIME_LOCAL_CREDENTIALS", "AKID:SECRET",
       "An access key --sigv4 strict accepts; repeat the flag (or separate with commas) for several.\n"
       "      Keys from the environment and from flags are all accepted.",
       [](const ServerConfig&) { return std::string("(none)"); },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (std::string why = CheckList(v, CheckAccessKey); !why.empty()) return why;
         return ForEachListItem(v, [&c](std::string_view item) {
           const size_t colon = item.find(':');
           c.credentials.push_back({std::string(item.substr(0, colon)), std::string(item.substr(colon + 1))});
           return std::string();
         });
       }},
      {"--threads", "CHIME_LOCAL_THREADS", "N", "I/O threads.",
       [](const ServerConfig& c) { return std::to_string(c.threads); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.threads, v, 1, 256); }},
      {"--tls-cert", "CHIME_LOCAL_TLS_CERT", "FILE",
       "PEM certificate (chain) for wss:// and https:// (e.g. from mkcert); needs --tls-key.",
       [](const ServerConfig& c) { return c.tls_cert.empty() ? std::string("(generated by the local CA, see --ca-dir)") : c.tls_cert; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         c.tls_cert = std::string(v);
         return {};
       }},
      {"--tls-key", "CHIME_LOCAL_TLS_KEY", "FILE", "PEM private key of --tls-cert.",
       [](const ServerConfig& c) { return c.tls_key.empty() ? std::string("(generated)") : c.tls_key; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         c.tls_key = std::string(v);
         return {};
       }},
      {"--ca-dir", "CHIME_LOCAL_CA_DIR", "DIR",
       "Directory of the local CA (ca.pem, made once) and its server certificates. Default: the CA of an\n"
       "      existing <data-dir>/tls, else $XDG_DATA_HOME/chime-local/ca or ~/.local/share/chime-local/ca.",
       [](const ServerConfig& c) { return c.ca_dir.empty() ? std::string("(per user, see above)") : c.ca_dir; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must name a directory";
         c.ca_dir = std::string(v);
         return {};
       }},
      {"--tls-san", "CHIME_LOCAL_TLS_SAN", "NAME",
       "Another host name or IP address for the generated certificate (besides localhost, 127.0.0.1,\n"
       "      ::1 and the --public-host name); repeat the flag (or separate with commas) for several.",
       [](const ServerConfig& c) {
         std::string out;
         for (const auto& n : c.tls_sans) out += (out.empty() ? "" : ",") + n;
         return out.empty() ? std::string("(none)") : out;
       },
       [](ServerConfig& c, std::string_view v) -> std::string {
         return ForEachListItem(v, [&c](std::string_view item) -> std::string {
           if (item.empty() || item.size() > 253) return "must be host names or IP addresses";
           for (char ch : item) {
             if (!std::isalnum(static_cast<unsigned char>(ch)) && std::string_view("-.*:[]").find(ch) == std::string_view::npos)
               return Quote(item) + " must be a host name or an IP address";
           }
           c.tls_sans.emplace_back(item);
           return std::string();
         });
       }},
      {"--cors-origins", "CHIME_LOCAL_CORS_ORIGINS", "LIST",
       "Browser origins allowed by CORS and to open the messaging WebSocket besides the loopback origins "
       "(http(s)://localhost, 127.0.0.1 and [::1] on any port, always allowed): comma-separated "
       "(e.g. https://app.test:8443), or * for any web page.",
       [](const ServerConfig& c) { return c.cors_origins.empty() ? std::string("(loopback origins only)") : c.cors_origins; },
       [](ServerConfig& c, std::string_view v) -> std::string {
         if (v.empty()) return "must not be empty";
         c.cors_origins = std::string(v);
         return {};
       }},
      {"--max-sessions", "CHIME_LOCAL_MAX_SESSIONS", "N",
       "Open messaging sessions (WebSockets) in total; more are closed with 1013.",
       [](const ServerConfig& c) { return std::to_string(c.max_sessions); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.max_sessions, v, 1, 1000000); }},
      {"--max-sessions-per-user", "CHIME_LOCAL_MAX_SESSIONS_PER_USER", "N",
       "Open messaging sessions per AppInstanceUser; more are closed with 4003.",
       [](const ServerConfig& c) { return std::to_string(c.max_sessions_per_user); },
       [](ServerConfig& c, std::string_view v) { return SetUint(c.max_sessions_per_user, v, 1, 1000000); }},
  }};
  return kOptions;
}

const Option* FindOption(std::string_view flag) {
  for (const Option& o : Options()) {
    if (o.flag == flag) return &o;
  }
  return nullptr;
}

// Levenshtein distance, for "did you mean" (flags are short: a row per call is enough).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The known flag closest to a misspelled one (at most 2 edits, or one that starts with it).
std::string DidYouMean(std::string_view flag) {
  std::string_view best;
  size_t best_distance = 3;
  for (const Option& o : Options()) {
    const size_t d = EditDistance(flag, o.flag);
    if (d < best_distance) {
      best_distance = d;
      best = o.flag;
    }
  }
  if (best.empty() && flag.size() > 3) {
    for (const Option& o : Options()) {
      if (std::string_view(o.flag).substr(0, flag.size()) == flag) return " (did you mean " + std::string(o.flag) + "?)";
    }
  }
  return best.empty() ? std::string(" (see --help)") : " (did you mean " + std::string(best) + "?)";
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "info";
}

std::string ServerConfig::DatabasePath() const {
  if (!data_file.empty()) return data_file;
  std::string dir = data_dir;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir + "chime-local.sqlite3";
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

ParseResult ParseConfig(int argc, const char* const* argv, const EnvLookup& env) {
  ParseResult result;

  // Pass 1: split argv into (option, value) pairs. Syntax errors are held back
  // until we know that neither --help nor --version was asked for.
  struct FlagValue {
    const Option* option;
    std::string value;
  };
  std::vector<FlagValue> flags;
  std::string syntax_error;
  bool help = false;
  bool version = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      continue;
    }
    if (arg == "--version") {
      version = true;
      continue;
    }
    if (!syntax_error.empty()) continue;
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      syntax_error = "unexpected argument " + Quote(arg);
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const Option* option = FindOption(name);
    if (option == nullptr) {
      syntax_error = "unknown option " + Quote(name) + DidYouMean(name);
      continue;
    }
    if (option->metavar.empty()) {
      if (inline_value) {
        syntax_error = "option " + Quote(name) + " does not take a value";
        continue;
      }
      flags.push_back({option, "true"});
      continue;
    }
    if (inline_value) {
      flags.push_back({option, std::string(*inline_value)});
    } else if (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") {
      flags.push_back({option, argv[++i]});
    } else {
      syntax_error = "option " + Quote(name) + " requires a value";
    }
  }
  if (help) {
    result.action = ParseResult::Action::kHelp;
    return result;
  }
  if (version) {
    result.action = ParseResult::Action::kVersion;
    return result;
  }
  if (!syntax_error.empty()) {
    result.error = syntax_error;
    return result;
  }

  // Pass 2: environment, then flags in the order given (last one wins).
  for (const Option& o : Options()) {
    std::optional<std::string> value = env ? env(o.env) : std::nullopt;
    if (!value || value->empty()) continue;
    if (std::string why = o.set(result.config, *value); !why.empty()) {
      result.error = "invalid value " + Quote(*value) + " in " + std::string(o.env) + ": " + why;
      return result;
    }
  }
  for (const FlagValue& f : flags) {
    if (std::string why = f.option->set(result.config, f.value); !why.empty()) {
      result.error = "invalid value " + Quote(f.value) + " for " + std::string(f.option->flag) + ": " + why;
      return result;
    }
  }
  if (result.config.sigv4_strict && result.config.credentials.empty()) {
    result.error = "--sigv4 strict needs at least one --credentials AKID:SECRET (or CHIME_LOCAL_CREDENTIALS)";
  }
  return result;
}

std::string HelpText() {
  const ServerConfig defaults;
  std::string out =
      "Usage: chime-local [OPTIONS]\n"
      "\n"
      "Local emulator of the Amazon Chime SDK Messaging and Identity APIs.\n"
      "Every option can also be set with the environment variable shown;\n"
      "command-line flags override the environment. Use --flag VALUE or --flag=VALUE.\n"
      "\n"
      "Options:\n";
  for (const Option& o : Options()) {
    out += "  ";
    out += o.flag;
    if (!o.metavar.empty()) {
      out += ' ';
      out += o.metavar;
    }
    out += '\n';
    out += "      ";
    out += o.help;
    out += "\n      env: ";
    out += o.env;
    out += "   default: ";
    out += o.default_text(defaults);
    out += '\n';
  }
  out +=
      "  --help, -h\n"
      "      Print this help and exit.\n"
      "  --version\n"
      "      Print the version and exit.\n"
      "\n"
      "Once listening, prints two lines to stdout: chime-local listening on http://HOST:PORT,\n"
      "then chime-local TLS CA: PATH (the CA wss:// and https:// clients must trust; with\n"
      "--tls-cert: chime-local TLS certificate: FILE).\n"
      "Logs (one line per request at info) go to stderr.\n"
      "SIGINT/SIGTERM stop it gracefully.\n";
  return out;
}

std::string VersionText() { return "chime-local " + std::string(kVersion); }

}  // namespace chime::server
