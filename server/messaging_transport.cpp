// Includes Beast's WebSocket and Asio's SSL: the most expensive TU to compile
// after http_server.cpp; keep everything else out of it.
#include "server/messaging_transport.hpp"

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "api/auth/sigv4_verifier.hpp"
#include "api/auth/tenant.hpp"
#include "api/common/ids.hpp"
#include "api/events/session_hub.hpp"
#include "api/messaging/messaging_session.hpp"
#include "api/protocol/query_string.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/pipeline.hpp"

namespace chime::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// WebSocket keep-alive: a ping after half of this without traffic from the
// client; no answer within the other half closes the session.
constexpr std::chrono::seconds kWebSocketIdle{30};
constexpr std::chrono::seconds kHandshakeTimeout{10};
// Every write of a session has a deadline; past it the TCP connection is
// dropped. A frame may wait as long as a client may stay silent; a session
// the hub closed (overflow, deleted user, shutdown) gets kCloseTimeout for
// what is left, its close frame included.
constexpr std::chrono::seconds kWriteTimeout = kWebSocketIdle;
constexpr std::chrono::seconds kCloseTimeout{5};
// Client frames are ignored; bound what one may cost.
constexpr size_t kMaxClientMessage = 64 * 1024;
// The close reason of a WebSocket close frame is at most 123 bytes.
constexpr size_t kMaxCloseReason = 123;

std::string ToStd(beast::string_view s) { return std::string(s.data(), s.size()); }

// The /connect URL's parameters the emulator uses (the signature is not checked).
struct ConnectTarget {
  std::string path;
  std::string user_arn;
  std::string session_id;
  bool prefetch = false;
  std::string sort_by;
};

ConnectTarget ParseConnectTarget(std::string_view target) {
  ConnectTarget t;
  t.path = std::string(target.substr(0, target.find('?')));
  // A bad escape is kept as sent: the URL's signature is not checked, so a
  // stray '%' is no reason to refuse the session. A repeated name: the last wins.
  for (auto& [key, value] : api::ParseQuery(api::QueryPart(target), {.bad_escape = api::BadEscape::kKeepAsSent})) {
    if (key == "userArn") {
      t.user_arn = std::move(value);
    } else if (key == "sessionId") {
      t.session_id = std::move(value);
    } else if (key == "prefetch-on") {
      t.prefetch = value == "connect";
    } else if (key == "prefetch-sort-by") {
      t.sort_by = std::move(value);
    }
  }
  return t;
}

websocket::close_reason CloseReason(int code, std::string reason) {
  if (reason.size() > kMaxCloseReason) reason.resize(kMaxCloseReason);
  websocket::close_reason r(static_cast<websocket::close_code>(code));
  r.reason = std::move(reason);
  return r;
}

// The close reason the client is given when the hub closes its session.
const char* HubCloseReason(int code) {
  switch (code) {
    case api::close_code::kServiceRestart:
      return "Service restart";
    case api::close_code::kUnauthorized:
      return "Unauthorized: the user or bot was deleted";
    default:
      return "Outgoing queue overflow: reconnect";
  }
}

// The deadline of the write (or close handshake) under way: when it passes,
// the TCP connection is dropped (RST, unsent data discarded), which fails the
// pending operation, so a client that stops reading holds neither a session
// nor a connection slot. Lives on the session's strand.
class WriteDeadline {
 public:
  using Duration = std::chrono::steady_clock::duration;
  WriteDeadline(const asio::any_io_executor& ex, asio::ip::tcp::socket& socket)
      : timer_(ex), state_(std::make_shared<State>(State{&socket})) {}

  void Arm(Duration d) {
    if (d > cap_) d = cap_;
    armed_ = true;
    timer_.expires_after(d);
    const uint64_t generation = ++state_->generation;
    timer_.async_wait([weak = std::weak_ptr<State>(state_), generation](const beast::error_code& ec) {
      auto state = weak.lock();
      if (ec || !state || state->generation != generation) return;
      state->expired = true;
      beast::error_code ignored;
      state->socket->set_option(asio::socket_base::linger(true, 0), ignored);
      state->socket->close(ignored);
    });
  }
  void Disarm() {
    armed_ = false;
    ++state_->generation;
    timer_.cancel();
  }
  // From now on no write may take longer than `d`, the one under way included.
  void Cap(Duration d) {
    cap_ = d;
    if (armed_ && timer_.expiry() > std::chrono::steady_clock::now() + d) Arm(d);
  }
  bool expired() const { return state_->expired; }

 private:
  struct State {
    asio::ip::tcp::socket* socket;
    uint64_t generation = 0;
    bool expired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;  // the pending wait holds it weakly
  Duration cap_ = Duration::max();
  bool armed_ = false;
};

// What the hub's wake (any thread) reaches on the session's strand.
struct SessionSignals {
  SessionSignals(const asio::any_io_executor& ex, asio::ip::tcp::socket& socket)
      : wake(ex, asio::steady_timer::time_point::max()), deadline(ex, socket) {}
  asio::steady_timer wake;
  WriteDeadline deadline;
  std::shared_ptr<api::HubSession> session;  // once registered
};

template <class Ws>
asio::awaitable<bool> SendFrame(Ws& ws, WriteDeadline& deadline, const std::string& frame) {
  deadline.Arm(kWriteTimeout);
  auto [ec, n] = co_await ws.async_write(asio::buffer(frame), kUseTuple);
  deadline.Disarm();
  co_return !ec;
}

template <class Ws>
asio::awaitable<void> CloseSession(Ws& ws, WriteDeadline& deadline, int code, std::string reason) {
  deadline.Cap(kCloseTimeout);
  deadline.Arm(kCloseTimeout);
  co_await ws.async_close(CloseReason(code, std::move(reason)), kUseTuple);
  deadline.Disarm();
}

// The upgrade request in the api layer's terms, headers included: strict
// SigV4 and the tenant read the same signature (an Authorization header wins
// over the presigned query for both).
api::HttpRequest AsApiRequest(const MessagingTransport::Request& req) {
  api::HttpRequest r;
  r.method = ToStd(req.method_string());
  r.target = ToStd(req.target());
  for (const auto& field : req) r.headers.emplace_back(ToStd(field.name_string()), ToStd(field.value()));
  return r;
}

// Isolation by account and region (api/auth/tenant.hpp): a /connect presigned
// for another account or region than the user's does not know that user.
bool SignedForAnotherTenant(const MessagingTransport::Request& req, const std::string& user_arn,
                            const api::ServiceConfig& service) {
  auto owner = api::TenantOfArn(user_arn);
  if (!owner) return false;
  return !(*owner == api::TenantOf(AsApiRequest(req), service));
}

// Looks the user up and builds the prefetch frames on a storage reader.
template <typename CompletionToken>
auto AsyncSessionStart(storage::Pipeline& pipeline, ConnectTarget target, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(std::exception_ptr, api::SessionStart)>(
      [&pipeline](auto handler, ConnectTarget t) {
        auto ex = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto result = std::make_shared<api::SessionStart>();
        storage::Work work;
        work.run = [result, t = std::move(t)](storage::Database& db) {
          *result = api::PrepareMessagingSession(db, t.user_arn, t.prefetch, t.sort_by);
        };
        work.done = [shared, ex, result](std::exception_ptr error) {
          asio::post(ex, [shared, result, error]() mutable { (*shared)(error, std::move(*result)); });
        };
        pipeline.SubmitRead(std::move(work));
      },
      token, std::move(target));
}

}  // namespace

// The server side of TLS with the certificate and key files; throws
// std::runtime_error naming the file that cannot be loaded.
static std::unique_ptr<asio::ssl::context> MakeTlsContext(const std::string& cert_chain_file,
                                                          const std::string& private_key_file) {
  auto ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  // Idle sessions are the common case: let OpenSSL free its record buffers between writes.
  SSL_CTX_set_mode(ssl->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  try {
    ssl->use_certificate_chain_file(cert_chain_file);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS certificate " + cert_chain_file + ": " + e.what());
  }
  try {
    ssl->use_private_key_file(private_key_file, asio::ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS key " + private_key_file + ": " + e.what());
  }
  return ssl;
}

struct MessagingTransport::Impl {
  Options options;
  // Made at the first TLS connection, not at start: OpenSSL's TLS side
  // (library state, context, certificate) is then not in the memory of an
  // emulator that only ever serves plain HTTP (docs/performance.md "Performance").
  std::once_flag ssl_once;
  std::unique_ptr<asio::ssl::context> ssl;
  std::string ssl_error;

  explicit Impl(Options o) : options(std::move(o)) {
    if (options.load_tls_at_start) Ssl();
  }

  asio::ssl::context& Ssl() {
    std::call_once(ssl_once, [this] {
      try {
        ssl = MakeTlsContext(options.cert_chain_file, options.private_key_file);
      } catch (const std::exception& e) {
        ssl_error = e.what();
      }
    });
    if (!ssl) throw std::runtime_error(ssl_error);
    return *ssl;
  }

  void Log(LogLevel level, std::string_view message) const {
    if (options.log) options.log(level, message);
  }

  template <class Ws>
  asio::awaitable<void> RunSession(Ws& ws, Request req);
  template <class Ws>
  asio::awaitable<void> ReadLoop(Ws& ws);
  template <class Ws>
  asio::awaitable<void> WriteLoop(Ws& ws, std::shared_ptr<SessionSignals> signals);
  template <class Stream>
  asio::awaitable<beast::error_code> WriteHttp(Stream& stream, api::HttpResponse&& r, unsigned version,
                                               bool keep_alive);
};

template <class Ws>
asio::awaitable<void> MessagingTransport::Impl::ReadLoop(Ws& ws) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kUseTuple);
    if (ec) co_return;
    buffer.consume(buffer.size());  // the session is receive-only: client data is ignored
  }
}

template <class Ws>
asio::awaitable<void> MessagingTransport::Impl::WriteLoop(Ws& ws, std::shared_ptr<SessionSignals> signals) {
  api::HubSession& session = *signals->session;
  asio::steady_timer& wake = signals->wake;
  WriteDeadline& deadline = signals->deadline;
  std::vector<api::Frame> frames;
  for (;;) {
    frames.clear();
    const int close = session.Drain(frames);
    if (frames.empty() && close == 0) {
      // Nothing between Drain and this wait suspends, so a wake (a post to
      // this strand that cancels the timer) always finds the wait started.
      wake.expires_at(asio::steady_timer::time_point::max());
      co_await wake.async_wait(kUseTuple);
      auto cs = co_await asio::this_coro::cancellation_state;
      if (cs.cancelled() != asio::cancellation_type::none) co_return;
      continue;
    }
    if (close != 0) deadline.Cap(kCloseTimeout);
    for (const api::Frame& f : frames) {
      if (!co_await SendFrame(ws, deadline, *f)) {
        if (deadline.expired()) {
          Log(LogLevel::kInfo, "messaging session of " + session.user_arn() +
                                   " dropped: the client did not take its frames in time");
        }
        co_return;
      }
    }
    if (close != 0) {
      Log(LogLevel::kDebug, "messaging session of " + session.user_arn() + " closed with " + std::to_string(close));
      co_await CloseSession(ws, deadline, close, HubCloseReason(close));
      co_return;
    }
  }
}

template <class Ws>
asio::awaitable<void> MessagingTransport::Impl::RunSession(Ws& ws, Request req) {
  auto& tcp = beast::get_lowest_layer(ws);
  tcp.expires_after(kCloseTimeout);  // for an HTTP answer before the upgrade
  ConnectTarget target = ParseConnectTarget(std::string_view(req.target().data(), req.target().size()));
  if (target.path != "/connect") {
    api::HttpResponse r;
    r.status = 404;
    r.headers = {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", "NotFoundException"}};
    r.body = R"({"Code":"NotFound","Message":"WebSocket sessions are served on /connect only"})";
    co_await WriteHttp(ws.next_layer(), std::move(r), req.version(), false);
    co_return;
  }
  // --sigv4 strict: a missing or wrong presigned query is refused before the
  // upgrade, with the 403 and error body of a REST call.
  if (options.service) {
    if (auto refused = api::StrictSigV4Refusal(AsApiRequest(req), *options.service, api::NewUuid())) {
      Log(LogLevel::kInfo, "messaging session refused (403): " + refused->body);
      co_await WriteHttp(ws.next_layer(), std::move(*refused), req.version(), false);
      co_return;
    }
  }
  tcp.expires_never();  // the WebSocket has its own timeouts, and each write its deadline
  websocket::stream_base::timeout timeouts{kHandshakeTimeout, kWebSocketIdle, true};
  ws.set_option(timeouts);
  ws.read_message_max(kMaxClientMessage);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "chime-local"); }));
  auto [accept_ec] = co_await ws.async_accept(req, kUseTuple);
  if (accept_ec) {
    Log(LogLevel::kDebug, "WebSocket handshake failed: " + accept_ec.message());
    co_return;
  }
  ws.text(true);

  auto ex = co_await asio::this_coro::executor;
  auto signals = std::make_shared<SessionSignals>(ex, tcp.socket());
  std::weak_ptr<SessionSignals> weak_signals = signals;
  WriteDeadline& deadline = signals->deadline;
  api::SessionHub& hub = *options.hub;
  // Registered before the user lookup: whatever commits from now on queues
  // for this session, so SESSION_ESTABLISHED means "nothing is missed".
  auto admission = hub.Open(target.user_arn, target.session_id, [weak_signals, ex] {
    asio::post(ex, [weak_signals] {
      auto s = weak_signals.lock();
      if (!s) return;
      s->wake.cancel();
      // Closed by the hub while a write is stuck: what is left gets kCloseTimeout.
      if (s->session && s->session->close_code() != 0) s->deadline.Cap(kCloseTimeout);
    });
  });
  if (!admission.session) {
    Log(LogLevel::kWarn, "messaging session of " + target.user_arn + " refused: " + admission.reason);
    co_await CloseSession(ws, deadline, admission.refuse_code, admission.reason);
    co_return;
  }
  signals->session = admission.session;
  struct Unregister {
    api::SessionHub& hub;
    std::shared_ptr<api::HubSession> session;
    ~Unregister() { hub.Remove(session); }
  } unregister{hub, admission.session};

  auto [error, start] = co_await AsyncSessionStart(*options.pipeline, target, kUseTuple);
  if (error) {
    Log(LogLevel::kError, "messaging session of " + target.user_arn + ": cannot read the store");
    co_await CloseSession(ws, deadline, 1011, "Internal error: retry");
    co_return;
  }
  if (!start.known || SignedForAnotherTenant(req, target.user_arn, *options.service)) {
    Log(LogLevel::kInfo, "messaging session refused (4401): unknown user " + target.user_arn);
    co_await CloseSession(
        ws, deadline, api::close_code::kUnauthorized,
        target.user_arn.empty() ? "Unauthorized: userArn is missing" : "Unauthorized: unknown userArn");
    co_return;
  }
  Log(LogLevel::kInfo, "messaging session opened for " + target.user_arn + " (session " + target.session_id + ")");
  const std::string established = api::EncodeSystemFrame("SESSION_ESTABLISHED", nullptr);
  if (!co_await SendFrame(ws, deadline, established)) co_return;
  for (const std::string& frame : start.prefetch) {
    if (!co_await SendFrame(ws, deadline, frame)) co_return;
  }
  co_await (ReadLoop(ws) || WriteLoop(ws, signals));
  Log(LogLevel::kDebug, "messaging session of " + target.user_arn + " ended");
}

template <class Stream>
asio::awaitable<beast::error_code> MessagingTransport::Impl::WriteHttp(Stream& stream, api::HttpResponse&& r,
                                                                      unsigned version, bool keep_alive) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status >= 100 && r.status <= 599 ? r.status : 500));
  for (auto& [name, value] : r.headers) {
    if (beast::iequals(name, "content-length") || beast::iequals(name, "connection") ||
        beast::iequals(name, "transfer-encoding")) {
      continue;
    }
    res.insert(name, value);
  }
  res.set(http::field::date, api::HttpDateNow());
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  auto [ec, n] = co_await http::async_write(stream, res, kUseTuple);
  co_return ec;
}

MessagingTransport::MessagingTransport(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
MessagingTransport::~MessagingTransport() = default;

asio::ssl::context& MessagingTransport::tls_context() { return impl_->Ssl(); }
const std::string& MessagingTransport::ca_file() const { return impl_->options.ca_file; }

asio::awaitable<void> MessagingTransport::ServeUpgrade(beast::tcp_stream& stream, Request request) {
  websocket::stream<beast::tcp_stream&> ws(stream);
  co_await impl_->RunSession(ws, std::move(request));
}

asio::awaitable<void> MessagingTransport::ServeUpgrade(TlsStream& stream, Request request) {
  websocket::stream<TlsStream&> ws(stream);
  co_await impl_->RunSession(ws, std::move(request));
}

void MessagingTransport::Shutdown() { impl_->options.hub->CloseAll(api::close_code::kServiceRestart); }

}  // namespace chime::server
