// The only translation unit that includes Beast/Asio (keep it that way: each
// one costs 8-19 s and ~0.7 GB to compile, see docs/toolchain.md).
//
// Shape (after the Beast awaitable examples, written for Boost 1.81 tokens):
// one io_context, N threads calling run(). The acceptor, signal set and
// shutdown timer live on one strand ("main strand"); every connection is a
// coroutine on its own strand, reading one request at a time with a fresh
// parser (limits per request), starting the request on api::Dispatcher,
// awaiting its outcome from the storage pipeline (never blocking the I/O
// thread on SQLite), then encoding and writing the response.
#include "server/http_server.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
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
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/dispatcher.hpp"
#include "api/http_types.hpp"
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
// Connections over max_connections are answered 503 by at most this many
// concurrent rejecters; beyond that they are closed without an answer.
constexpr int kMaxRejecting = 64;

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

// A transport-level error in the AWS rest-json error format (see
// docs/api-contract.md, "Recommended emulator error response"). The
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
        beast::iequals(name, "connection") || HasLineBreak(name) || HasLineBreak(value)) {
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

struct HttpServer::Impl {
  // One client connection. Touched only on its own strand, except for the
  // registry entry (guarded by Impl::mu).
  struct Connection {
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    // Set while waiting for the next request's header; with the parser, tells
    // an idle keep-alive connection (safe to close at shutdown) from a busy one.
    bool awaiting_request = false;
    RequestParser* parser = nullptr;
  };

  explicit Impl(const ServerConfig& c) : config(c) {}

  // Declared before the io_context so they outlive it: destroying the
  // io_context destroys suspended coroutines, whose guards touch these.
  const ServerConfig config;
  api::Dispatcher* dispatcher = nullptr;
  MessagingTransport* messaging = nullptr;  // messaging-session hook (optional)
  const WebAccess* web = nullptr;           // CORS / session endpoint hook (optional)
  std::atomic<bool> stopping{false};
  std::atomic<uint32_t> live{0};
  std::atomic<int> rejecting{0};
  std::atomic<uint64_t> rejected_total{0};
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

  bool LogEnabled(LogLevel level) const { return level <= config.log_level; }

  void Log(LogLevel level, std::string_view message) const {
    if (!LogEnabled(level)) return;
    static constexpr std::string_view kNames[] = {"ERROR ", "WARN ", "INFO ", "DEBUG "};
    std::string line;
    line.reserve(message.size() + 8);
    line += kNames[static_cast<int>(level)];
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line
  }

  void Listen(const ServerConfig& c);
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  asio::awaitable<void> Reject(tcp::socket socket);
  asio::awaitable<beast::error_code> Write(beast::tcp_stream& stream, const WireResponse& res);
  asio::awaitable<void> WriteErrorAndClose(beast::tcp_stream& stream, api::HttpResponse res);
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
  throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
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
    if (live.load() >= config.max_connections) {
      if (rejected_total++ == 0 || LogEnabled(LogLevel::kDebug)) {
        Log(LogLevel::kWarn, "connection limit (" + std::to_string(config.max_connections) +
                                 ") reached; answering 503 to new connections");
      }
      if (rejecting.load() < kMaxRejecting) {
        ++rejecting;
        auto ex = socket.get_executor();
        asio::co_spawn(ex, Reject(std::move(socket)), [this](std::exception_ptr) { --rejecting; });
      }
      continue;  // otherwise the socket closes here
    }
    ++live;
    auto conn = std::make_shared<Connection>(std::move(socket));
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

asio::awaitable<void> HttpServer::Impl::Reject(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  co_await WriteErrorAndClose(
      stream, TransportError(503, "ServiceUnavailableException", "ServiceUnavailable",
                             "Too many open connections (limit " + std::to_string(config.max_connections) +
                                 "); retry later"));
}

// ---------------------------------------------------------------------------
// One connection

asio::awaitable<beast::error_code> HttpServer::Impl::Write(beast::tcp_stream& stream, const WireResponse& res) {
  std::array<asio::const_buffer, 2> buffers{asio::buffer(res.head), asio::buffer(res.body)};
  auto [ec, n] = co_await asio::async_write(stream, buffers, kUseTuple);
  co_return ec;
}

asio::awaitable<void> HttpServer::Impl::WriteErrorAndClose(beast::tcp_stream& stream, api::HttpResponse res) {
  stream.expires_after(kLingerTime);
  if (co_await Write(stream, Serialize(std::move(res), 11, false, false))) co_return;
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
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
  auto& buffer = conn->buffer;
  const auto idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  beast::error_code ec;
  stream.socket().set_option(tcp::no_delay(true), ec);

  // Hook (messaging session): a TLS ClientHello means HTTPS/WSS, served by
  // MessagingTransport on this same port; the peeked bytes stay in `buffer`.
  if (messaging) {
    conn->awaiting_request = true;  // idle until the first byte, as below
    const bool served_tls = co_await messaging->ServeIfTls(stream, buffer);
    conn->awaiting_request = false;
    if (served_tls) co_return;
  }

  for (;;) {
    if (stopping) break;
    RequestParser parser;
    parser.header_limit(config.max_header_bytes);
    parser.body_limit(config.max_body_bytes);

    // Header. Until its first byte arrives the connection counts as idle.
    conn->parser = &parser;
    conn->awaiting_request = true;
    stream.expires_after(idle_timeout);
    auto [header_ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
    conn->awaiting_request = false;
    conn->parser = nullptr;
    ec = header_ec;
    const Clock::time_point start = Clock::now();

    // Body, after a 100 Continue if the client waits for one.
    if (!ec && !parser.is_done()) {
      const Request& head = parser.get();
      if (head.version() == 11 && beast::iequals(head[http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        stream.expires_after(idle_timeout);
        auto [cont_ec, cont_bytes] =
            co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()), kUseTuple);
        ec = cont_ec;
      }
      if (!ec) {
        stream.expires_after(idle_timeout);
        auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
        ec = body_ec;
      }
    }

    if (ec) {
      // Over a limit or not HTTP: answer once in the AWS error format, then
      // close. Anything else (EOF, reset, idle timeout, shutdown) just closes.
      std::optional<api::HttpResponse> error;
      if (ec == http::error::body_limit) {
        error = TransportError(413, "BadRequestException", "BadRequest",
                               "Request body exceeds the limit of " + std::to_string(config.max_body_bytes) +
                                   " bytes");
      } else if (ec == http::error::header_limit) {
        error = TransportError(431, "BadRequestException", "BadRequest",
                               "Request header fields exceed the limit of " +
                                   std::to_string(config.max_header_bytes) + " bytes");
      } else if (IsHttpParseError(ec)) {
        error = TransportError(400, "BadRequestException", "BadRequest", "Malformed HTTP request: " + ec.message());
      } else {
        if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted) {
          Log(LogLevel::kDebug, "connection closed: " + ec.message());
        }
        break;
      }
      if (LogEnabled(LogLevel::kInfo)) {
        // The request line is known when the body (not the header) was too large.
        const Request& head = parser.get();
        std::string line = head.method_string().empty() ? std::string("-") : ToStdString(head.method_string());
        line += ' ';
        line += head.target().empty() ? std::string_view("-")
                                      : PathOf(std::string_view(head.target().data(), head.target().size()));
        line += " - " + std::to_string(error->status) + " (" + ec.message() + ")";
        Log(LogLevel::kInfo, line);
      }
      co_await WriteErrorAndClose(stream, std::move(*error));
      co_return;
    }

    Request& req = parser.get();
    // Hook (messaging session): a plain ws:// upgrade.
    if (messaging && beast::iequals(req[http::field::upgrade], "websocket")) {
      co_await messaging->ServeUpgrade(stream, parser.release());
      co_return;
    }

    const bool head_request = req.method() == http::verb::head;
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    api::HttpRequest api_request = ToApiRequest(req);
    const std::string request_method = api_request.method;
    const std::string request_target = api_request.target;
    // The storage work runs on the pipeline's threads; this coroutine (and
    // with it the I/O thread) is free until the outcome comes back.
    // Hook (browser access): CORS preflight and headers, session endpoint host.
    const WebAccess::Facts facts = web ? WebAccess::Capture(api_request) : WebAccess::Facts{};
    std::optional<api::HttpResponse> preflight = web ? web->Preflight(api_request) : std::nullopt;
    api::HttpResponse api_response;
    if (preflight) {  // (no co_await inside ?: -- GCC 12 miscompiles it)
      api_response = std::move(*preflight);
    } else {
      api_response = dispatcher->Finish(co_await AsyncDispatch(*dispatcher, std::move(api_request), asio::use_awaitable));
    }
    if (web) web->Decorate(facts, api_response);
    std::string operation = std::move(api_response.operation);
    const bool keep_open = keep_alive && !stopping;
    const WireResponse res = Serialize(std::move(api_response), version, head_request, keep_open);

    stream.expires_after(idle_timeout);
    const beast::error_code write_ec = co_await Write(stream, res);

    if (LogEnabled(LogLevel::kInfo)) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      char latency[32];
      std::snprintf(latency, sizeof latency, "%.3fms", ms);
      std::string line = request_method;
      line += ' ';
      line += PathOf(request_target);
      line += ' ';
      line += operation;
      line += ' ';
      line += std::to_string(res.status);
      line += ' ';
      line += latency;
      if (write_ec) line += " (write failed: " + write_ec.message() + ")";
      Log(LogLevel::kInfo, line);
    }
    if (write_ec || !keep_open) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
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
  // Idle keep-alive connections close now; busy ones finish their request
  // and then close (their responses carry Connection: close).
  ForEachConnection([](Connection& c) {
    bool idle = c.awaiting_request && c.buffer.size() == 0 && (c.parser == nullptr || !c.parser->got_some());
    if (idle) c.stream.cancel();
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

void HttpServer::SetMessaging(MessagingTransport* messaging, const WebAccess* web) {
  impl_->messaging = messaging;
  impl_->web = web;
}

void HttpServer::Stop() {
  Impl* s = impl_.get();
  asio::post(s->main_strand, [s] { s->BeginShutdown(); });
}

}  // namespace chime::server
