// The HTTP session: one connection after accept, in the shape of Beast's
// advanced_server_flex_awaitable example. A connection whose first bytes are
// a TLS ClientHello (when the server has TLS) is handshaken and served by the
// same request loop as plain HTTP (https:// and wss:// on the one port): one
// template, ServeRequests<Io>, for both streams, so every check, limit, hook
// and log line applies to both.
//
// One request at a time: the head into the connection buffer (wire_io.hpp:
// ReadHead), a fresh Beast parser (limits per request), the edge checks of the
// head (edge_checks.hpp, in their order), the body, the edge checks of the
// body; then the request is started on api::Dispatcher and its outcome
// awaited from the storage pipeline (never blocking the I/O thread on
// SQLite), encoded and written (wire.hpp: Serialize).
#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>
#include <type_traits>

#include "api/dispatcher.hpp"
#include "api/protocol/input_log.hpp"
#include "server/async_dispatch.hpp"
#include "server/edge_checks.hpp"
#include "server/messaging_transport.hpp"
#include "server/web_access.hpp"
#include "server/wire_io.hpp"

namespace chime::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using RequestParser = http::request_parser<http::string_body>;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// Beast's verdict in the edge checks' terms.
EdgeRequest::Parse ParseOf(const beast::error_code& ec, std::string& message) {
  if (!ec) return EdgeRequest::Parse::kOk;
  if (ec == http::error::header_limit) return EdgeRequest::Parse::kHeaderLimit;
  if (ec == http::error::body_limit) return EdgeRequest::Parse::kBodyLimit;
  message = ec.message();
  return EdgeRequest::Parse::kMalformed;
}

bool IsHttpParseError(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_target).category()) return false;
  // Clean or abrupt ends of the stream are not the client's syntax errors.
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::short_read;
}

EdgeRequest::Head EdgeHeadOf(HeadResult r) {
  switch (r) {
    case HeadResult::kTimeout:
      return EdgeRequest::Head::kTimeout;
    case HeadResult::kTooLarge:
      return EdgeRequest::Head::kTooLarge;
    case HeadResult::kMalformed:
      return EdgeRequest::Head::kMalformed;
    default:
      return EdgeRequest::Head::kComplete;
  }
}

// Fills the log record from the response before its body is moved out for sending.
void PrepareRequestLog(const ServerShared& shared, RequestLogRecord& record,
                       const api::HttpRequest* request, const api::HttpResponse& response) {
  FillFromResponse(record, response);
  if (request != nullptr && shared.LogEnabled(LogLevel::kDebug)) {
    api::LoggableExchange exchange = api::DescribeForLog(*request, response.status, response.body);
    record.input = std::move(exchange.input);
    record.response = std::move(exchange.response);
  }
}

// The snapshot upload slot of one request: released as soon as the answer is
// decided, so a retry does not meet a 503 while this one is written or lingers.
struct UploadSlot {
  std::atomic<bool>* held = nullptr;
  void Release() {
    if (held) held->store(false);
    held = nullptr;
  }
  ~UploadSlot() { Release(); }
};

template <class Io>
asio::awaitable<void> ServeRequests(ServerShared& shared, std::shared_ptr<Connection> conn,
                                    Io& io) {
  constexpr bool tls = std::is_same_v<Io, TlsStream>;
  const ServerConfig& config = shared.config;
  auto& stream = conn->stream;
  auto& buffer = conn->buffer;
  const auto idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  const EdgeSettings edge{config.max_header_bytes, config.header_timeout_seconds,
                          &shared.cross_site, shared.web};

  for (bool first_request = true;; first_request = false) {
    if (shared.stopping) break;
    beast::error_code ec;

    // Head: find its end in the raw bytes (refusing obs-fold, bare LF, ...).
    HeadScanner scanner;
    const HeadResult head_result = co_await ReadHead(shared, conn, io, scanner, first_request);
    if (head_result == HeadResult::kClosed) break;
    const Clock::time_point start = Clock::now();
    RequestLogRecord record;
    if constexpr (tls) record.note = "https";
    EdgeRequest edge_request;
    edge_request.head = EdgeHeadOf(head_result);
    edge_request.head_error = scanner.error();

    // Then let Beast parse it from the buffer (no further read). A snapshot
    // upload (a whole database file) has its own, larger bound: Beast checks
    // Content-Length against the limit while parsing the head, so it is
    // chosen from the raw request line before that.
    RequestParser parser;
    parser.header_limit(config.max_header_bytes);
    UploadSlot upload_slot;
    edge_request.body_limit = config.max_body_bytes;
    if (head_result == HeadResult::kComplete &&
        IsSnapshotUpload(std::string_view(static_cast<const char*>(buffer.data().data()),
                                          scanner.head_size()))) {
      // (A refused one keeps the snapshot bound too, so it gets the 503, not a 413.)
      edge_request.body_limit = config.max_snapshot_bytes;
      if (!shared.snapshot_upload_busy.exchange(true)) {
        upload_slot.held = &shared.snapshot_upload_busy;
      } else {
        edge_request.upload_refused = true;
      }
    }
    parser.body_limit(edge_request.body_limit);
    if (head_result == HeadResult::kComplete) {
      buffer.consume(parser.put(asio::buffer(buffer.data().data(), scanner.head_size()), ec));
      if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
      edge_request.parse = ParseOf(ec, edge_request.parse_error);
    }
    if (edge_request.head == EdgeRequest::Head::kComplete &&
        edge_request.parse == EdgeRequest::Parse::kOk) {
      const Request& head = parser.get();
      edge_request.method = View(head.method_string());
      edge_request.target = View(head.target());
      edge_request.version = head.version();
      edge_request.fields = FieldsOf(head);
      record.method = std::string(edge_request.method);
      record.path = std::string(PathOf(edge_request.target));
    }
    std::optional<EdgeAnswer> answer = RunEdgeChecks(EdgeStep::kHead, edge, edge_request);

    // Body, after a 100 Continue if the client waits for one.
    if (!answer && !parser.is_done()) {
      const Request& head = parser.get();
      if (head.version() == 11 && beast::iequals(head[http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        stream.expires_after(idle_timeout);
        auto [cont_ec, cont_bytes] = co_await asio::async_write(
            io, asio::buffer(kContinue.data(), kContinue.size()), kUseTuple);
        ec = cont_ec;
      }
      if (!ec) {
        stream.expires_after(idle_timeout);
        auto [body_ec, body_bytes] = co_await http::async_read(io, buffer, parser, kUseTuple);
        ec = body_ec;
      }
      if (ec == http::error::body_limit) {
        edge_request.parse = EdgeRequest::Parse::kBodyLimit;
      } else if (IsHttpParseError(ec)) {
        edge_request.parse = EdgeRequest::Parse::kMalformed;
        edge_request.parse_error = ec.message();
      } else if (ec) {
        // EOF, reset, timeout or shutdown in the middle of the body: nobody to answer.
        if (ec != asio::error::operation_aborted)
          shared.Log(LogLevel::kDebug, "connection closed: " + ec.message());
        break;
      }
      answer = RunEdgeChecks(EdgeStep::kBody, edge, edge_request);
    }

    if (answer) {
      // Over a limit, not HTTP, ambiguous or refused: answer once in the AWS
      // error format, then close (the rest of the input cannot be trusted).
      PrepareRequestLog(shared, record, nullptr, answer->response);
      record.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      shared.logger.Request(record);
      upload_slot.Release();
      co_await WriteErrorAndClose(io, std::move(answer->response));
      co_return;
    }

    Request& req = parser.get();
    // Hook (messaging session): a ws:// or wss:// upgrade.
    if (shared.messaging && beast::iequals(req[http::field::upgrade], "websocket")) {
      co_await shared.messaging->ServeUpgrade(io, parser.release());
      co_return;
    }

    const bool head_request = req.method() == http::verb::head;
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    api::HttpRequest api_request = ToApiRequest(req, true);
    // Hook (browser access): CORS headers and the session endpoint host.
    const WebAccess::Facts facts =
        shared.web ? WebAccess::Capture(api_request) : WebAccess::Facts{};
    edge_request.request = &api_request;
    answer = RunEdgeChecks(EdgeStep::kRequest, edge, edge_request);  // the CORS preflight
    api::HttpResponse api_response;
    // Debug logs re-bind the request after the answer: keep a copy only then.
    std::optional<api::HttpRequest> logged_request;
    if (shared.LogEnabled(LogLevel::kDebug)) logged_request = api_request;
    if (answer) {  // (no co_await inside ?: -- GCC 12 miscompiles it)
      api_response = std::move(answer->response);
    } else {
      // The storage work runs on the pipeline's threads; this coroutine (and
      // with it the I/O thread) is free until the outcome comes back.
      // Begin and Finish never throw.
      api::Outcome outcome =
          co_await AsyncDispatch(*shared.dispatcher, std::move(api_request), asio::use_awaitable);
      if (outcome.delay_ms > 0) {
        // An injected fault's latency: this connection waits, nothing else does.
        asio::steady_timer delay(stream.get_executor());
        delay.expires_after(std::chrono::milliseconds(outcome.delay_ms));
        co_await delay.async_wait(kUseTuple);
      }
      api_response = shared.dispatcher->Finish(std::move(outcome));
    }
    upload_slot.Release();
    if (shared.web) shared.web->Decorate(facts, api_response);
    const bool log_request = shared.LogEnabled(LogLevel::kInfo) ||
                             (shared.LogEnabled(LogLevel::kError) && api_response.status >= 500);
    if (log_request)
      PrepareRequestLog(shared, record, logged_request ? &*logged_request : nullptr, api_response);
    const bool keep_open = keep_alive && !shared.stopping;
    const WireResponse res = Serialize(std::move(api_response), version, head_request, keep_open);

    stream.expires_after(idle_timeout);
    const beast::error_code write_ec = co_await Write(io, res);

    if (log_request) {
      record.status = res.status;
      record.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (write_ec)
        record.note += (record.note.empty() ? "" : "; ") + ("write failed: " + write_ec.message());
      shared.logger.Request(record);
    }
    if (write_ec || !keep_open) break;
  }
  stream.expires_after(kLingerTime);
  co_await EndOutput(io);
}

asio::awaitable<void> ServeTls(ServerShared& shared, std::shared_ptr<Connection> conn) {
  auto& stream = conn->stream;
  asio::ssl::context* context = nullptr;
  try {
    context = &shared.tls->context();
  } catch (const std::exception& e) {
    shared.Log(LogLevel::kError, std::string("TLS connection refused: ") + e.what());
    co_return;
  }
  TlsStream tls(stream, *context);
  // The peer's address before the handshake: a client that refuses the
  // certificate closes at once, after which the socket no longer knows it.
  beast::error_code peer_ec;
  const auto peer = stream.socket().remote_endpoint(peer_ec);
  const std::string address = peer_ec ? std::string("?") : peer.address().to_string();
  stream.expires_at(conn->first_head_deadline);  // what detection left of it
  auto [ec, used] =
      co_await tls.async_handshake(asio::ssl::stream_base::server, conn->buffer.data(), kUseTuple);
  if (ec) {
    // A client that does not trust the certificate fails in silence on its side: say it once.
    const bool untrusted =
        ec.category() == asio::error::get_ssl_category() &&
        IsUntrustedCertificateReason(ERR_GET_REASON(static_cast<unsigned long>(ec.value())));
    if (untrusted && shared.untrusted_ca_warnings.FirstFor(address)) {
      shared.Log(LogLevel::kWarn,
                 UntrustedCaWarnings::Message(address, ec.message(), shared.tls->ca_file()));
    } else {
      shared.Log(LogLevel::kDebug, "TLS handshake failed: " + ec.message());
    }
    co_return;
  }
  conn->buffer.consume(used);
  co_await ServeRequests(shared, conn, tls);
}

}  // namespace

asio::awaitable<void> ServeConnection(ServerShared& shared, std::shared_ptr<Connection> conn) {
  auto& stream = conn->stream;
  beast::error_code ec;
  stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);

  // A TLS ClientHello means HTTPS/WSS on this same port; anything else is
  // plain HTTP. The peeked bytes stay in the connection's buffer.
  if (shared.tls) {
    // Until its first byte the connection is idle (it may make room at the
    // connection limit, and shutdown may close it), as in ReadHead. The
    // first bytes are part of the first request head: its deadline.
    conn->MarkIdle();
    stream.expires_at(conn->first_head_deadline);
    auto [detect_ec, is_tls] = co_await beast::async_detect_ssl(stream, conn->buffer, kUseTuple);
    conn->MarkBusy();
    if (detect_ec) co_return;
    if (is_tls) {
      co_await ServeTls(shared, std::move(conn));
      co_return;
    }
  }
  co_await ServeRequests(shared, conn, stream);
}

}  // namespace chime::server
