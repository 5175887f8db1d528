// The WebSocket session (the shape of Beast's websocket chat-multi example:
// one reader, one writer woken by the hub). Includes Beast's WebSocket and
// Asio's SSL: an expensive TU to compile; keep everything else out of it.
#include "server/messaging_transport.hpp"

#include <chrono>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>

#include "api/events/session_hub.hpp"
#include "api/dispatcher.hpp"
#include "api/messaging/messaging_session.hpp"
#include "server/async_dispatch.hpp"
#include "server/lean_tls_stream.hpp"
#include "server/wire_io.hpp"

namespace chime::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

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
// A lazy watchdog: one timer per session, re-armed only when it fires or when
// a deadline moves earlier, so a write costs a clock reading instead of a
// timer wait and a cancel (a session delivering 100 frames a second re-arms
// about once per kWriteTimeout).
class WriteDeadline {
 public:
  using Clock = std::chrono::steady_clock;
  using Duration = Clock::duration;
  WriteDeadline(const asio::any_io_executor& ex, asio::ip::tcp::socket& socket)
      : timer_(ex), state_(std::make_shared<State>(State{&socket})) {}

  // A write starts: it may take `d` (at most the cap).
  void Begin(Duration d) {
    if (d > cap_) d = cap_;
    state_->in_write = true;
    state_->deadline = Clock::now() + d;
    if (!state_->armed || timer_.expiry() > state_->deadline) Arm(state_->deadline);
  }
  void End() { state_->in_write = false; }
  // From now on no write may take longer than `d`, the one under way included.
  void Cap(Duration d) {
    cap_ = d;
    if (!state_->in_write) return;
    const auto at = Clock::now() + d;
    if (at < state_->deadline) {
      state_->deadline = at;
      Arm(at);
    }
  }
  bool expired() const { return state_->expired; }

 private:
  struct State {
    asio::ip::tcp::socket* socket;
    uint64_t generation = 0;
    bool armed = false;
    bool in_write = false;
    Clock::time_point deadline{};
    bool expired = false;
  };

  void Arm(Clock::time_point at) {
    timer_.expires_at(at);  // cancels a wait under way: its handler sees a stale generation
    state_->armed = true;
    const uint64_t generation = ++state_->generation;
    timer_.async_wait([this, weak = std::weak_ptr<State>(state_), generation](const beast::error_code& ec) {
      auto state = weak.lock();
      if (ec || !state || state->generation != generation) return;
      state->armed = false;
      if (!state->in_write) return;  // idle: the next write arms it again
      if (Clock::now() < state->deadline) return Arm(state->deadline);
      state->expired = true;
      beast::error_code ignored;
      state->socket->set_option(asio::socket_base::linger(true, 0), ignored);
      state->socket->close(ignored);
    });
  }

  asio::steady_timer timer_;
  std::shared_ptr<State> state_;  // the pending wait holds it weakly
  Duration cap_ = Duration::max();
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
  deadline.Begin(kWriteTimeout);
  auto [ec, n] = co_await ws.async_write(asio::buffer(frame), kUseTuple);
  deadline.End();
  co_return !ec;
}

template <class Ws>
asio::awaitable<void> CloseSession(Ws& ws, WriteDeadline& deadline, int code, std::string reason) {
  deadline.Cap(kCloseTimeout);
  deadline.Begin(kCloseTimeout);
  co_await ws.async_close(CloseReason(code, std::move(reason)), kUseTuple);
  deadline.End();
}

}  // namespace

struct MessagingTransport::Impl {
  Options options;

  explicit Impl(Options o) : options(std::move(o)) {}

  void Log(LogLevel level, std::string_view message) const {
    if (options.log) options.log(level, message);
  }

  template <class Ws>
  asio::awaitable<void> RunSession(Ws& ws, Request req, api::HttpRequest upgrade);
  template <class Io>
  asio::awaitable<void> Serve(Io& io, Request req);
  template <class Ws>
  asio::awaitable<void> ReadLoop(Ws& ws);
  template <class Ws>
  asio::awaitable<void> WriteLoop(Ws& ws, std::shared_ptr<SessionSignals> signals);
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

// Before the upgrade: the Dispatcher's refusal (404 off /connect, a strict
// SigV4 403), written by the one serializer; else the WebSocket session.
template <class Io>
asio::awaitable<void> MessagingTransport::Impl::Serve(Io& io, Request req) {
  api::HttpRequest upgrade = ToApiRequest(req, false);
  if (auto refused = options.dispatcher->RefuseSession(upgrade)) {
    if (refused->status != 404) Log(LogLevel::kInfo, "messaging session refused (403): " + refused->body);
    beast::get_lowest_layer(io).expires_after(kCloseTimeout);
    co_await Write(io, Serialize(std::move(*refused), req.version(), false, false));
    co_return;
  }
  websocket::stream<Io&> ws(io);
  co_await RunSession(ws, std::move(req), std::move(upgrade));
}

template <class Ws>
asio::awaitable<void> MessagingTransport::Impl::RunSession(Ws& ws, Request req, api::HttpRequest upgrade) {
  auto& tcp = beast::get_lowest_layer(ws);
  const api::ConnectTarget target = api::ParseConnectTarget(upgrade.target);
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

  // The user lookup and prefetch: a read unit the Dispatcher runs on the pipeline.
  api::SessionOutcome start = co_await AsyncBeginSession(*options.dispatcher, std::move(upgrade), asio::use_awaitable);
  if (start.error) {
    Log(LogLevel::kError, "messaging session of " + target.user_arn + ": cannot read the store");
    co_await CloseSession(ws, deadline, 1011, "Internal error: retry");
    co_return;
  }
  if (!start.authorized) {
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

MessagingTransport::MessagingTransport(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
MessagingTransport::~MessagingTransport() = default;

asio::awaitable<void> MessagingTransport::ServeUpgrade(beast::tcp_stream& stream, Request request) {
  co_await impl_->Serve(stream, std::move(request));
}

asio::awaitable<void> MessagingTransport::ServeUpgrade(TlsStream& stream, Request request) {
  co_await impl_->Serve(stream, std::move(request));
}

void MessagingTransport::Shutdown() { impl_->options.hub->CloseAll(api::close_code::kServiceRestart); }

}  // namespace chime::server
