// One of the few translation units that include Beast/Asio (with
// messaging_transport.cpp, aws_http_client.cpp and main.cpp, through
// messaging_transport.hpp and async_dispatch.hpp): each costs 8-19 s and
// ~0.7 GB to compile, so nothing else in the tree includes them
// (docs/architecture.md, "Libraries").
//
// Shape (after the Beast awaitable examples, written for Boost 1.81 tokens):
// one io_context, N threads calling run(). The acceptor, signal set and
// shutdown timer live on one strand ("main strand"); every connection is a
// coroutine on its own strand, reading one request at a time: the head into
// the connection buffer (HeadScanner finds its end and refuses ambiguous
// bytes; its own deadline), then a fresh Beast parser (limits per request),
// framing and cross-site checks on the head, the body; then the request is
// started on api::Dispatcher and its outcome awaited from the storage
// pipeline (never blocking the I/O thread on SQLite), encoded and written.
// A connection whose first bytes are a TLS ClientHello runs the same request
// loop over TLS (https:// and wss:// on the one port).
#include "server/http_server.hpp"

#include <openssl/err.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/dispatcher.hpp"
#include "api/http_types.hpp"
#include "api/protocol/input_log.hpp"
#include "api/protocol/timestamp.hpp"
#include "server/cross_site_policy.hpp"
#include "server/log.hpp"
#include "server/request_framing.hpp"
#include "server/untrusted_ca_warnings.hpp"
#include "server/async_dispatch.hpp"
#include "server/messaging_transport.hpp"
#include "server/web_access.hpp"

namespace chime::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Request = http::request<http::string_body>;
using RequestParser = http::request_parser<http::string_body>;
// HTTPS/WSS on the same port: TLS over the connection's tcp_stream (whose
// deadlines then apply to the TLS reads and writes too).
using SslStream = MessagingTransport::TlsStream;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Graceful shutdown: busy connections get this long to finish their request.
constexpr std::chrono::seconds kGracePeriod{5};
// After the grace period, force-closed connections get this long to unwind.
constexpr std::chrono::seconds kHardStopDelay{1};
constexpr std::chrono::milliseconds kShutdownPoll{20};
// After an error response we half-close and read (discard) what the client is
// still sending for at most this long, so the kernel does not answer the
// unread bytes with a RST that would destroy our response in flight.
constexpr std::chrono::seconds kLingerTime{2};
// Connections over max_connections (with no idle connection to make room)
// are answered 503 by at most this many lingering rejecters; beyond that the
// 503 is written without lingering (QuickReject), never dropped unanswered.
constexpr int kMaxRejecting = 1024;
// How long a rejecter drains the client's request after the 503.
constexpr std::chrono::seconds kRejectLingerTime{1};
// Read size while looking for the end of a request head.
constexpr size_t kHeadReadChunk = 4096;

std::string ToStdString(beast::string_view s) { return std::string(s.data(), s.size()); }

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return std::string(out, 36);
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

// A transport-level error in the AWS rest-json error format (docs/aws-parity.md,
// "Wire format and validation": the Errors item). The
// connection is always closed afterwards.
api::HttpResponse TransportError(int status, std::string_view error_type, std::string_view code,
                                 std::string_view message) {
  api::HttpResponse res;
  res.status = status;
  res.headers = {{"Content-Type", "application/json"},
                 {"x-amzn-RequestId", NewRequestId()},
                 {"x-amzn-ErrorType", std::string(error_type)}};
  res.body = "{\"Code\":\"";
  res.body += code;
  res.body += "\",\"Message\":\"";
  res.body += JsonEscape(message);
  res.body += "\"}";
  return res;
}

api::HttpRequest ToApiRequest(Request& req) {
  api::HttpRequest out;
  out.method = ToStdString(req.method_string());
  for (char& c : out.method) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  out.target = ToStdString(req.target());
  for (const auto& field : req) {
    out.headers.emplace_back(ToStdString(field.name_string()), ToStdString(field.value()));
  }
  out.body = std::move(req.body());
  return out;
}

// One response as bytes: the head (status line, headers, blank line) and the
// body, sent with one gather write. Serialising the head by hand is ~2x
// cheaper per request than Beast's generic serializer (callgrind), and this
// TU then needs no http/write.hpp.
struct WireResponse {
  int status = 0;
  std::string head;
  std::string body;
};

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

WireResponse Serialize(api::HttpResponse&& in, unsigned request_version, bool head_request, bool keep_alive) {
  WireResponse out;
  out.status = (in.status >= 100 && in.status <= 599) ? in.status : 500;
  std::string& h = out.head;
  h.reserve(256);
  h += "HTTP/1.1 ";
  h += std::to_string(out.status);
  h += ' ';
  if (http::status code = http::int_to_status(static_cast<unsigned>(out.status)); code != http::status::unknown) {
    beast::string_view reason = http::obsolete_reason(code);
    h.append(reason.data(), reason.size());
  }
  h += "\r\n";
  bool has_request_id = false;
  for (const auto& [name, value] : in.headers) {
    // Framing headers are ours to set, and no value may split the head.
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
        beast::iequals(name, "connection") || beast::iequals(name, "date") || HasLineBreak(name) ||
        HasLineBreak(value)) {
      continue;
    }
    if (beast::iequals(name, "x-amzn-requestid")) has_request_id = true;
    h += name;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  if (!has_request_id) {
    h += "x-amzn-RequestId: ";
    h += NewRequestId();
    h += "\r\n";
  }
  h += "Date: ";  // SDKs correct clock skew from it (strict SigV4)
  h += api::HttpDateNow();
  h += "\r\n";
  if (out.status >= 200 && out.status != 204 && out.status != 304) {
    // HEAD: advertise the length of the body a GET would have returned.
    h += "Content-Length: ";
    h += std::to_string(in.body.size());
    h += "\r\n";
    if (!head_request) out.body = std::move(in.body);
  }
  if (!keep_alive) {
    h += "Connection: close\r\n";
  } else if (request_version < 11) {
    h += "Connection: keep-alive\r\n";
  }
  h += "\r\n";
  return out;
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

bool IsHttpParseError(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_target).category()) return false;
  // Clean or abrupt ends of the stream are not the client's syntax errors.
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::short_read;
}

std::string BracketIfIpv6(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

}  // namespace

std::string EndpointHost(const std::string& host, uint16_t port) {
  std::string h = host;
  if (h == "0.0.0.0" || h == "::" || h == "[::]") h = "127.0.0.1";
  return BracketIfIpv6(h) + ":" + std::to_string(port);
}

HeaderFields FieldsOf(const Request& head) {
  HeaderFields fields;
  for (const auto& f : head) {
    fields.push_back({std::string_view(f.name_string().data(), f.name_string().size()),
                      std::string_view(f.value().data(), f.value().size())});
  }
  return fields;
}

api::HttpResponse ErrorResponse(const Refusal& r) { return TransportError(r.status, r.error_type, r.code, r.message); }

struct HttpServer::Impl {
  // One client connection. Touched only on its own strand, except for the
  // registry entry (guarded by Impl::mu) and the atomics.
  struct Connection {
    Connection(tcp::socket socket, std::chrono::seconds header_timeout)
        : stream(std::move(socket)), head_timer(stream.get_executor()),
          first_head_deadline(Clock::now() + header_timeout) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    // The deadlines while reading a head. Not the stream's own timeout, which
    // closes the socket: a late head still gets its 408.
    asio::steady_timer head_timer;
    // The first request head's deadline, from accept: TLS detection and the
    // TLS handshake come out of it too.
    const Clock::time_point first_head_deadline;
    uint64_t head_timer_generation = 0;
    bool head_deadline_hit = false;
    // Set while waiting for the next request's first byte: an idle keep-alive
    // (or never used) connection, safe to close at shutdown or to make room
    // for a new connection at the connection limit.
    // `idle` is read by the accept loop to pick a connection to close; the
    // close itself runs on the connection's strand and re-checks
    // waiting_first_byte (strand-only), so a connection that has just
    // received a request is never cut off.
    std::atomic<bool> idle{false};
    std::atomic<int64_t> idle_since{0};  // steady_clock ticks
    bool waiting_first_byte = false;
  };

  enum class HeadResult { kComplete, kClosed, kTimeout, kTooLarge, kMalformed };

  explicit Impl(const ServerConfig& c)
      : config(c), logger(c.log_level, c.log_format), cross_site(CrossSitePolicy::FromConfig(c)) {}

  // Declared before the io_context so they outlive it: destroying the
  // io_context destroys suspended coroutines, whose guards touch these.
  const ServerConfig config;
  const Logger logger;
  const CrossSitePolicy cross_site;
  api::Dispatcher* dispatcher = nullptr;
  MessagingTransport* messaging = nullptr;  // messaging-session hook (optional)
  std::function<void()> on_shutdown;        // optional
  const WebAccess* web = nullptr;           // CORS / session endpoint hook (optional)
  std::atomic<bool> stopping{false};
  std::atomic<uint32_t> live{0};
  std::atomic<int> rejecting{0};
  std::atomic<uint64_t> rejected_total{0};
  // One PUT /_chime-local/snapshot body in memory at a time (it may be up to
  // --max-snapshot-bytes); a second one meanwhile gets 503.
  std::atomic<bool> snapshot_upload_busy{false};
  std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;  // guarded by mu
  std::atomic<int> exit_code{0};

  asio::io_context ioc{static_cast<int>(config.threads)};
  asio::strand<asio::io_context::executor_type> main_strand = asio::make_strand(ioc);
  tcp::acceptor acceptor{main_strand};
  asio::signal_set signals{main_strand, SIGINT, SIGTERM};
  asio::steady_timer shutdown_timer{main_strand};
  // Main-strand state of an ongoing shutdown.
  Clock::time_point shutdown_deadline;
  bool forced = false;
  bool finished = false;
  uint16_t port = 0;

  bool LogEnabled(LogLevel level) const { return logger.Enabled(level); }
  void Log(LogLevel level, std::string_view message) const { logger.Log(level, message); }
  UntrustedCaWarnings untrusted_ca_warnings;

  void Listen(const ServerConfig& c);
  asio::awaitable<void> AcceptLoop();
  bool EvictIdleConnection();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  asio::awaitable<void> ServeTls(std::shared_ptr<Connection> conn);
  // The request loop, the same over plain TCP (Io = beast::tcp_stream) and
  // TLS (Io = SslStream): every check, limit, hook and log line applies to both.
  template <class Io>
  asio::awaitable<void> ServeRequests(std::shared_ptr<Connection> conn, Io& io);
  template <class Io>
  asio::awaitable<HeadResult> ReadHead(const std::shared_ptr<Connection>& conn, Io& io, HeadScanner& scanner,
                                       bool first_request);
  void PrepareRequestLog(RequestLogRecord& record, const api::HttpRequest* request,
                         const api::HttpResponse& response) const;
  asio::awaitable<void> Reject(tcp::socket socket);
  void QuickReject(tcp::socket& socket);
  template <class Io>
  asio::awaitable<beast::error_code> Write(Io& io, const WireResponse& res);
  template <class Io>
  asio::awaitable<void> WriteErrorAndClose(Io& io, api::HttpResponse res, std::chrono::seconds linger = kLingerTime);
  void WaitForSignal();
  void BeginShutdown();
  void ForceClose();
  void PollShutdown();
  void Finish();
  void RunLoop();
  template <typename F>
  void ForEachConnection(F f);
};

// ---------------------------------------------------------------------------
// Listening and accepting

void HttpServer::Impl::Listen(const ServerConfig& c) {
  std::string where = BracketIfIpv6(c.host) + ":" + std::to_string(c.port);
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(c.host, std::to_string(c.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  for (const auto& entry : results) {
    beast::error_code bind_ec;
    acceptor.open(entry.endpoint().protocol(), bind_ec);
    if (!bind_ec) acceptor.set_option(asio::socket_base::reuse_address(true), bind_ec);
    if (!bind_ec) acceptor.bind(entry.endpoint(), bind_ec);
    if (!bind_ec) acceptor.listen(asio::socket_base::max_listen_connections, bind_ec);
    if (!bind_ec) {
      port = acceptor.local_endpoint().port();
      return;
    }
    ec = bind_ec;
    beast::error_code ignored;
    acceptor.close(ignored);
  }
  if (!ec) ec = asio::error::host_not_found;
  std::string hint;
  if (ec == asio::error::address_in_use) hint = " (another process uses the port: try --port 0 for a free one)";
  throw std::runtime_error("cannot listen on " + where + ": " + ec.message() + hint);
}

asio::awaitable<void> HttpServer::Impl::AcceptLoop() {
  asio::steady_timer backoff(co_await asio::this_coro::executor);
  for (;;) {
    // One thread: the io_context is an implicit strand, skip the wrapper.
    tcp::socket socket(config.threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                          : asio::any_io_executor(ioc.get_executor()));
    auto [ec] = co_await acceptor.async_accept(socket, kUseTuple);
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Typically EMFILE/ENFILE: back off instead of spinning on the error.
      Log(LogLevel::kWarn, "accept failed: " + ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kUseTuple);
      continue;
    }
    if (live.load() >= config.max_connections && !EvictIdleConnection()) {
      if (rejected_total++ == 0 || LogEnabled(LogLevel::kDebug)) {
        Log(LogLevel::kWarn, "connection limit (" + std::to_string(config.max_connections) +
                                 ") reached; answering 503 to new connections");
      }
      if (rejecting.load() < kMaxRejecting) {
        ++rejecting;
        auto ex = socket.get_executor();
        asio::co_spawn(ex, Reject(std::move(socket)), [this](std::exception_ptr) { --rejecting; });
      } else {
        QuickReject(socket);
      }
      continue;
    }
    ++live;
    auto conn = std::make_shared<Connection>(std::move(socket), std::chrono::seconds(config.header_timeout_seconds));
    {
      std::lock_guard lock(mu);
      connections.emplace(conn.get(), conn);
    }
    auto ex = conn->stream.get_executor();
    asio::co_spawn(ex, Serve(std::move(conn)), [this](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        Log(LogLevel::kError, std::string("connection failed: ") + x.what());
      } catch (...) {
        Log(LogLevel::kError, "connection failed: unknown exception");
      }
    });
  }
}

// At the connection limit, an idle connection (keep-alive between requests,
// or connected without sending anything) gives its slot to the new one, so
// idle or silent clients cannot lock everyone else out. Closes the one idle
// the longest; false when every connection is busy.
bool HttpServer::Impl::EvictIdleConnection() {
  std::shared_ptr<Connection> victim;
  {
    std::lock_guard lock(mu);
    int64_t oldest = 0;
    for (auto& [raw, weak] : connections) {
      if (!raw->idle.load()) continue;
      int64_t since = raw->idle_since.load();
      if (!victim || since < oldest) {
        if (auto c = weak.lock()) {
          victim = std::move(c);
          oldest = since;
        }
      }
    }
    if (!victim || !victim->idle.exchange(false)) return false;
  }
  auto ex = victim->stream.get_executor();
  asio::post(ex, [victim] {
    if (victim->waiting_first_byte) victim->stream.cancel();
  });
  if (LogEnabled(LogLevel::kDebug)) Log(LogLevel::kDebug, "connection limit reached; closed an idle connection");
  return true;
}

asio::awaitable<void> HttpServer::Impl::Reject(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  co_await WriteErrorAndClose(
      stream, TransportError(503, "ServiceUnavailableException", "ServiceUnavailable",
                             "Too many open connections (limit " + std::to_string(config.max_connections) +
                                 "); retry later"),
      kRejectLingerTime);
}

// Beyond kMaxRejecting lingering rejecters: write the 503 without waiting
// (it fits in the socket's send buffer), drain what the client already sent
// (so closing does not reset the connection under our answer) and close.
void HttpServer::Impl::QuickReject(tcp::socket& socket) {
  beast::error_code ec;
  socket.non_blocking(true, ec);
  const WireResponse res =
      Serialize(TransportError(503, "ServiceUnavailableException", "ServiceUnavailable",
                               "Too many open connections (limit " + std::to_string(config.max_connections) +
                                   "); retry later"),
                11, false, false);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(res.head), asio::buffer(res.body)};
  socket.write_some(buffers, ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 4096> scratch;
  while (!ec) socket.read_some(asio::buffer(scratch), ec);
  socket.close(ec);
}

// ---------------------------------------------------------------------------
// One connection

// Reads until conn.buffer holds one complete request head. Deadlines: the
// first request of a connection must arrive within header_timeout of
// connecting (TLS detection and handshake included: first_head_deadline);
// later ones may wait idle_timeout for their first byte, then have
// header_timeout for the rest of the head.
template <class Io>
asio::awaitable<HttpServer::Impl::HeadResult> HttpServer::Impl::ReadHead(const std::shared_ptr<Connection>& c, Io& io,
                                                                         HeadScanner& scanner, bool first_request) {
  Connection& conn = *c;
  auto& stream = conn.stream;
  auto& buffer = conn.buffer;
  const auto header_timeout = std::chrono::seconds(config.header_timeout_seconds);

  // On expiry the timer cancels the pending read (the socket stays open).
  auto arm_at = [&](Clock::time_point deadline) {
    const uint64_t generation = ++conn.head_timer_generation;
    conn.head_deadline_hit = false;
    conn.head_timer.expires_at(deadline);
    conn.head_timer.async_wait([c, generation](const beast::error_code& ec) {
      if (ec || c->head_timer_generation != generation) return;
      c->head_deadline_hit = true;
      beast::error_code ignored;
      c->stream.socket().cancel(ignored);
    });
  };
  auto arm = [&](std::chrono::seconds after) { arm_at(Clock::now() + after); };
  struct Disarm {
    Connection& conn;
    ~Disarm() {
      ++conn.head_timer_generation;
      conn.head_timer.cancel();
    }
  } disarm{conn};

  stream.expires_never();
  bool head_clock = first_request;
  if (first_request) {
    arm_at(conn.first_head_deadline);
  } else {
    arm(std::chrono::seconds(config.idle_timeout_seconds));
  }
  for (;;) {
    std::string_view bytes(static_cast<const char*>(buffer.data().data()), buffer.size());
    // RFC 9112 section 2.2: ignore empty lines before a request line (some
    // clients send a CRLF after a POST body).
    if (!scanner.started() && bytes.substr(0, 2) == "\r\n") {
      buffer.consume(2);
      continue;
    }
    if (!bytes.empty()) {
      conn.idle = false;
      if (!head_clock) {
        head_clock = true;
        arm(header_timeout);
      }
    }
    switch (scanner.Feed(bytes)) {
      case HeadScanner::State::kComplete:
        co_return scanner.head_size() > config.max_header_bytes ? HeadResult::kTooLarge : HeadResult::kComplete;
      case HeadScanner::State::kMalformed:
        co_return HeadResult::kMalformed;
      case HeadScanner::State::kIncomplete:
        break;
    }
    if (bytes.size() > config.max_header_bytes) co_return HeadResult::kTooLarge;
    conn.waiting_first_byte = bytes.empty();
    if (bytes.empty()) {
      conn.idle_since = Clock::now().time_since_epoch().count();
      conn.idle = true;
    }
    auto [ec, n] = co_await io.async_read_some(buffer.prepare(kHeadReadChunk), kUseTuple);
    conn.idle = false;
    conn.waiting_first_byte = false;
    if (ec) {
      if (conn.head_deadline_hit) co_return buffer.size() > 0 ? HeadResult::kTimeout : HeadResult::kClosed;
      if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
        Log(LogLevel::kDebug, "connection closed: " + ec.message());
      }
      co_return HeadResult::kClosed;
    }
    buffer.commit(n);
  }
}

// Fills the log record from the response before its body is moved out for sending.
void HttpServer::Impl::PrepareRequestLog(RequestLogRecord& record, const api::HttpRequest* request,
                                         const api::HttpResponse& response) const {
  FillFromResponse(record, response);
  if (request != nullptr && LogEnabled(LogLevel::kDebug)) {
    api::LoggableExchange exchange = api::DescribeForLog(*request, response.status, response.body);
    record.input = std::move(exchange.input);
    record.response = std::move(exchange.response);
  }
}

template <class Io>
asio::awaitable<beast::error_code> HttpServer::Impl::Write(Io& io, const WireResponse& res) {
  std::array<asio::const_buffer, 2> buffers{asio::buffer(res.head), asio::buffer(res.body)};
  auto [ec, n] = co_await asio::async_write(io, buffers, kUseTuple);
  co_return ec;
}

// The end of our side of the connection: a TCP half-close, after TLS's
// close_notify on a TLS connection (bounded by the stream's deadline).
static asio::awaitable<void> EndOutput(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  co_return;
}

static asio::awaitable<void> EndOutput(SslStream& stream) {
  [[maybe_unused]] auto [ec] = co_await stream.async_shutdown(kUseTuple);  // the peer may just close
  co_await EndOutput(stream.next_layer());
}

template <class Io>
asio::awaitable<void> HttpServer::Impl::WriteErrorAndClose(Io& io, api::HttpResponse res, std::chrono::seconds linger) {
  beast::tcp_stream& stream = beast::get_lowest_layer(io);
  stream.expires_after(linger);
  if (co_await Write(io, Serialize(std::move(res), 11, false, false))) co_return;
  co_await EndOutput(io);
  std::array<char, 4096> scratch;
  for (;;) {  // until EOF, error, or the linger timeout
    auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(scratch), kUseTuple);
    if (read_ec) break;
  }
}

asio::awaitable<void> HttpServer::Impl::Serve(std::shared_ptr<Connection> conn) {
  struct Guard {
    Impl& impl;
    Connection* conn;
    ~Guard() {
      std::lock_guard lock(impl.mu);
      impl.connections.erase(conn);
      --impl.live;
    }
  } guard{*this, conn.get()};

  auto& stream = conn->stream;
  beast::error_code ec;
  stream.socket().set_option(tcp::no_delay(true), ec);

  // A TLS ClientHello means HTTPS/WSS on this same port (with the messaging
  // session's certificate); anything else is plain HTTP. The peeked bytes
  // stay in the connection's buffer.
  if (messaging) {
    // Until its first byte the connection is idle (it may make room at the
    // connection limit, and shutdown may close it), as in ReadHead. The
    // first bytes are part of the first request head: its deadline.
    conn->waiting_first_byte = true;
    conn->idle_since = Clock::now().time_since_epoch().count();
    conn->idle = true;
    stream.expires_at(conn->first_head_deadline);
    auto [detect_ec, is_tls] = co_await beast::async_detect_ssl(stream, conn->buffer, kUseTuple);
    conn->idle = false;
    conn->waiting_first_byte = false;
    if (detect_ec) co_return;
    if (is_tls) {
      co_await ServeTls(std::move(conn));
      co_return;
    }
  }
  co_await ServeRequests(conn, stream);
}

asio::awaitable<void> HttpServer::Impl::ServeTls(std::shared_ptr<Connection> conn) {
  auto& stream = conn->stream;
  asio::ssl::context* context = nullptr;
  try {
    context = &messaging->tls_context();
  } catch (const std::exception& e) {
    Log(LogLevel::kError, std::string("TLS connection refused: ") + e.what());
    co_return;
  }
  SslStream tls(stream, *context);
  // The peer's address before the handshake: a client that refuses the
  // certificate closes at once, after which the socket no longer knows it.
  beast::error_code peer_ec;
  const auto peer = stream.socket().remote_endpoint(peer_ec);
  const std::string address = peer_ec ? std::string("?") : peer.address().to_string();
  stream.expires_at(conn->first_head_deadline);  // what detection left of it
  auto [ec, used] = co_await tls.async_handshake(asio::ssl::stream_base::server, conn->buffer.data(), kUseTuple);
  if (ec) {
    // A client that does not trust the certificate fails in silence on its side: say it once.
    const bool untrusted = ec.category() == asio::error::get_ssl_category() &&
                           IsUntrustedCertificateReason(ERR_GET_REASON(static_cast<unsigned long>(ec.value())));
    if (untrusted && untrusted_ca_warnings.FirstFor(address)) {
      Log(LogLevel::kWarn, UntrustedCaWarnings::Message(address, ec.message(), messaging->ca_file()));
    } else {
      Log(LogLevel::kDebug, "TLS handshake failed: " + ec.message());
    }
    co_return;
  }
  conn->buffer.consume(used);
  co_await ServeRequests(conn, tls);
}

template <class Io>
asio::awaitable<void> HttpServer::Impl::ServeRequests(std::shared_ptr<Connection> conn, Io& io) {
  constexpr bool tls = std::is_same_v<Io, SslStream>;
  auto& stream = conn->stream;
  auto& buffer = conn->buffer;
  const auto idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  beast::error_code ec;

  for (bool first_request = true;; first_request = false) {
    if (stopping) break;
    ec = {};

    // Head: find its end in the raw bytes (refusing obs-fold, bare LF, ...).
    HeadScanner scanner;
    const HeadResult head_result = co_await ReadHead(conn, io, scanner, first_request);
    if (head_result == HeadResult::kClosed) break;
    const Clock::time_point start = Clock::now();
    RequestLogRecord record;
    if constexpr (tls) record.note = "https";

    // Then let Beast parse it from the buffer (no further read).
    RequestParser parser;
    parser.header_limit(config.max_header_bytes);
    // A snapshot upload (a whole database file) has its own, larger bound.
    // Beast checks Content-Length against the limit while parsing the head,
    // so it is chosen from the raw request line before that.
    struct UploadSlot {
      std::atomic<bool>* held = nullptr;
      // As soon as the answer is decided: a retry must not meet a 503 while
      // this one is still written or lingers.
      void Release() {
        if (held) held->store(false);
        held = nullptr;
      }
      ~UploadSlot() { Release(); }
    } upload_slot;
    uint64_t body_limit = config.max_body_bytes;
    bool upload_refused = false;
    if (head_result == HeadResult::kComplete &&
        IsSnapshotUpload(std::string_view(static_cast<const char*>(buffer.data().data()), scanner.head_size()))) {
      // (A refused one keeps the snapshot bound too, so it gets the 503 below, not a 413.)
      body_limit = config.max_snapshot_bytes;
      if (!snapshot_upload_busy.exchange(true)) {
        upload_slot.held = &snapshot_upload_busy;
      } else {
        upload_refused = true;
      }
    }
    parser.body_limit(body_limit);
    std::optional<api::HttpResponse> error;
    if (head_result == HeadResult::kComplete) {
      buffer.consume(parser.put(asio::buffer(buffer.data().data(), scanner.head_size()), ec));
      if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
    }
    if (head_result == HeadResult::kTooLarge || ec == http::error::header_limit) {
      error = TransportError(431, "BadRequestException", "BadRequest",
                             "Request header fields exceed the limit of " + std::to_string(config.max_header_bytes) +
                                 " bytes");
    } else if (head_result == HeadResult::kTimeout) {
      error = TransportError(408, "BadRequestException", "BadRequest",
                             "The request head did not arrive within " +
                                 std::to_string(config.header_timeout_seconds) + " s");
    } else if (head_result == HeadResult::kMalformed) {
      error = TransportError(400, "BadRequestException", "BadRequest", "Malformed HTTP request: " + scanner.error());
    } else if (ec) {
      error = TransportError(ec == http::error::body_limit ? 413 : 400, "BadRequestException", "BadRequest",
                             ec == http::error::body_limit
                                 ? "Request body exceeds the limit of " + std::to_string(body_limit) + " bytes"
                                 : "Malformed HTTP request: " + ec.message());
    } else {
      // Framing and cross-site rules, before the body is read or anything runs.
      const Request& head = parser.get();
      record.method = ToStdString(head.method_string());
      record.path = std::string(PathOf(std::string_view(head.target().data(), head.target().size())));
      const HeaderFields fields = FieldsOf(head);
      if (auto framing = CheckFraming(fields, head.version())) {
        error = TransportError(400, "BadRequestException", "BadRequest", "Malformed HTTP request: " + *framing);
      } else if (auto refusal = CheckCrossSite(cross_site, record.method,
                                               std::string_view(head.target().data(), head.target().size()),
                                               fields)) {
        error = ErrorResponse(*refusal);
      }
    }

    if (!error && upload_refused) {
      error = TransportError(503, "ServiceUnavailableException", "ServiceUnavailable",
                             "Another PUT /_chime-local/snapshot is being received; retry when it is done");
    }

    // Body, after a 100 Continue if the client waits for one.
    if (!error && !parser.is_done()) {
      const Request& head = parser.get();
      if (head.version() == 11 && beast::iequals(head[http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        stream.expires_after(idle_timeout);
        auto [cont_ec, cont_bytes] =
            co_await asio::async_write(io, asio::buffer(kContinue.data(), kContinue.size()), kUseTuple);
        ec = cont_ec;
      }
      if (!ec) {
        stream.expires_after(idle_timeout);
        auto [body_ec, body_bytes] = co_await http::async_read(io, buffer, parser, kUseTuple);
        ec = body_ec;
      }
      if (ec == http::error::body_limit) {
        error = TransportError(413, "BadRequestException", "BadRequest",
                               "Request body exceeds the limit of " + std::to_string(body_limit) + " bytes");
      } else if (IsHttpParseError(ec)) {
        error = TransportError(400, "BadRequestException", "BadRequest", "Malformed HTTP request: " + ec.message());
      } else if (ec) {
        // EOF, reset, timeout or shutdown in the middle of the body: nobody to answer.
        if (ec != asio::error::operation_aborted) Log(LogLevel::kDebug, "connection closed: " + ec.message());
        break;
      }
    }

    if (error) {
      // Over a limit, not HTTP, ambiguous or refused: answer once in the AWS
      // error format, then close (the rest of the input cannot be trusted).
      PrepareRequestLog(record, nullptr, *error);
      record.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      logger.Request(record);
      upload_slot.Release();
      co_await WriteErrorAndClose(io, std::move(*error));
      co_return;
    }

    Request& req = parser.get();
    // Hook (messaging session): a ws:// or wss:// upgrade.
    if (messaging && beast::iequals(req[http::field::upgrade], "websocket")) {
      co_await messaging->ServeUpgrade(io, parser.release());
      co_return;
    }

    const bool head_request = req.method() == http::verb::head;
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    api::HttpRequest api_request = ToApiRequest(req);
    // Hook (browser access): CORS preflight and headers, session endpoint host.
    const WebAccess::Facts facts = web ? WebAccess::Capture(api_request) : WebAccess::Facts{};
    std::optional<api::HttpResponse> preflight = web ? web->Preflight(api_request) : std::nullopt;
    api::HttpResponse api_response;
    // Debug logs re-bind the request after the answer: keep a copy only then.
    std::optional<api::HttpRequest> logged_request;
    if (LogEnabled(LogLevel::kDebug)) logged_request = api_request;
    if (preflight) {  // (no co_await inside ?: -- GCC 12 miscompiles it)
      api_response = std::move(*preflight);
    } else {
      // The storage work runs on the pipeline's threads; this coroutine (and
      // with it the I/O thread) is free until the outcome comes back.
      // Begin and Finish never throw.
      api::Outcome outcome = co_await AsyncDispatch(*dispatcher, std::move(api_request), asio::use_awaitable);
      if (outcome.delay_ms > 0) {
        // An injected fault's latency: this connection waits, nothing else does.
        asio::steady_timer delay(stream.get_executor());
        delay.expires_after(std::chrono::milliseconds(outcome.delay_ms));
        co_await delay.async_wait(kUseTuple);
      }
      api_response = dispatcher->Finish(std::move(outcome));
    }
    upload_slot.Release();
    if (web) web->Decorate(facts, api_response);
    const bool log_request = LogEnabled(LogLevel::kInfo) || (LogEnabled(LogLevel::kError) && api_response.status >= 500);
    if (log_request) PrepareRequestLog(record, logged_request ? &*logged_request : nullptr, api_response);
    const bool keep_open = keep_alive && !stopping;
    const WireResponse res = Serialize(std::move(api_response), version, head_request, keep_open);

    stream.expires_after(idle_timeout);
    const beast::error_code write_ec = co_await Write(io, res);

    if (log_request) {
      record.status = res.status;
      record.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (write_ec) record.note += (record.note.empty() ? "" : "; ") + ("write failed: " + write_ec.message());
      logger.Request(record);
    }
    if (write_ec || !keep_open) break;
  }
  stream.expires_after(kLingerTime);
  co_await EndOutput(io);
}

// ---------------------------------------------------------------------------
// Shutdown (all on the main strand)

template <typename F>
void HttpServer::Impl::ForEachConnection(F f) {
  std::vector<std::shared_ptr<Connection>> targets;
  {
    std::lock_guard lock(mu);
    targets.reserve(connections.size());
    for (auto& [raw, weak] : connections) {
      if (auto c = weak.lock()) targets.push_back(std::move(c));
    }
  }
  for (auto& c : targets) {
    auto ex = c->stream.get_executor();
    asio::post(ex, [c = std::move(c), f] { f(*c); });
  }
}

void HttpServer::Impl::WaitForSignal() {
  signals.async_wait([this](const beast::error_code& ec, int signo) {
    if (ec || finished) return;
    Log(LogLevel::kInfo, std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") +
                             (stopping ? "" : ", shutting down"));
    BeginShutdown();
    WaitForSignal();
  });
}

void HttpServer::Impl::BeginShutdown() {
  if (finished) return;
  if (stopping.exchange(true)) {
    // Second request to stop: skip the grace period.
    shutdown_deadline = Clock::now();
    ForceClose();
    return;
  }
  beast::error_code ec;
  acceptor.close(ec);
  if (messaging) messaging->Shutdown();  // hook: sessions close with 1012 so clients reconnect
  if (on_shutdown) on_shutdown();
  // Idle keep-alive connections close now; busy ones finish their request
  // and then close (their responses carry Connection: close).
  ForEachConnection([](Connection& c) {
    if (c.waiting_first_byte) c.stream.cancel();
  });
  shutdown_deadline = Clock::now() + kGracePeriod;
  if (live.load() == 0 && rejecting.load() == 0) return Finish();
  PollShutdown();
}

void HttpServer::Impl::ForceClose() {
  if (forced) return;
  forced = true;
  if (uint32_t n = live.load(); n > 0) {
    Log(LogLevel::kWarn, "closing " + std::to_string(n) + " connection(s) still busy after the grace period");
  }
  ForEachConnection([](Connection& c) {
    beast::error_code ec;
    c.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    c.stream.cancel();
  });
}

void HttpServer::Impl::PollShutdown() {
  shutdown_timer.expires_after(kShutdownPoll);
  shutdown_timer.async_wait([this](const beast::error_code& ec) {
    if (ec || finished) return;
    if (live.load() == 0 && rejecting.load() == 0) return Finish();
    auto now = Clock::now();
    if (now >= shutdown_deadline) ForceClose();
    if (now >= shutdown_deadline + kHardStopDelay) {
      // A request stuck inside the dispatcher cannot be interrupted; stop the
      // loop anyway (Run still joins the threads).
      Log(LogLevel::kWarn, std::to_string(live.load()) + " connection(s) did not close; stopping anyway");
      return Finish();
    }
    PollShutdown();
  });
}

void HttpServer::Impl::Finish() {
  finished = true;
  beast::error_code ec;
  signals.cancel(ec);
  shutdown_timer.cancel();
  ioc.stop();
}

void HttpServer::Impl::RunLoop() {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      // Handlers are not supposed to throw; log and keep serving.
      Log(LogLevel::kError, std::string("io loop: ") + e.what());
      exit_code = 1;
    }
  }
}

// ---------------------------------------------------------------------------
// Public interface

HttpServer::HttpServer(const ServerConfig& config) : impl_(std::make_unique<Impl>(config)) {
  impl_->Listen(config);
}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const { return impl_->port; }

int HttpServer::Run(api::Dispatcher& dispatcher, OnListening on_listening) {
  Impl& s = *impl_;
  s.dispatcher = &dispatcher;
  std::string line = "chime-local listening on http://" + BracketIfIpv6(s.config.host) + ":" +
                     std::to_string(s.port) + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  if (s.config.host == "0.0.0.0" || s.config.host == "::") {
    // All interfaces (the container image): 0.0.0.0 is not an address to open.
    s.Log(LogLevel::kInfo, "open http://localhost:" + std::to_string(s.port) +
                               " (listening on all interfaces; other machines use this machine's name, with "
                               "--public-host NAME for wss://)");
  }
  if (on_listening) on_listening(s.port);

  asio::co_spawn(s.main_strand, s.AcceptLoop(), [&s](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      s.Log(LogLevel::kError, std::string("accept loop failed: ") + x.what());
      s.exit_code = 1;
    }
  });
  s.WaitForSignal();

  std::vector<std::thread> pool;
  for (uint32_t i = 1; i < s.config.threads; ++i) pool.emplace_back([&s] { s.RunLoop(); });
  s.RunLoop();
  for (auto& t : pool) t.join();
  s.Log(LogLevel::kInfo, "stopped");
  return s.exit_code;
}

void HttpServer::SetOnShutdown(std::function<void()> on_shutdown) { impl_->on_shutdown = std::move(on_shutdown); }

void HttpServer::SetMessaging(MessagingTransport* messaging, const WebAccess* web) {
  impl_->messaging = messaging;
  impl_->web = web;
}

void HttpServer::Stop() {
  Impl* s = impl_.get();
  asio::post(s->main_strand, [s] { s->BeginShutdown(); });
}

}  // namespace chime::server
