// The listener, in the shape of Beast's advanced_server_flex_awaitable
// example: one io_context, N threads calling run(). The acceptor, signal set
// and shutdown timer live on one strand ("main strand"); every accepted
// connection is a coroutine on its own strand (server/http_session.cpp).
// Here: binding, accepting, the connection limit (evicting the longest idle
// connection, else a 503), the registry of live connections, and graceful
// shutdown.
//
// One of the few translation units that include Beast/Asio: each costs 8-19 s
// and ~0.7 GB to compile, so nothing outside server/ includes them
// (docs/architecture.md, "Libraries").
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/connection.hpp"
#include "server/http_server.hpp"
#include "server/messaging_transport.hpp"
#include "server/wire_io.hpp"

namespace chime::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Graceful shutdown: busy connections get this long to finish their request.
constexpr std::chrono::seconds kGracePeriod{5};
// After the grace period, force-closed connections get this long to unwind.
constexpr std::chrono::seconds kHardStopDelay{1};
constexpr std::chrono::milliseconds kShutdownPoll{20};
// Connections over max_connections (with no idle connection to make room)
// are answered 503 by at most this many lingering rejecters; beyond that the
// 503 is written without lingering (QuickReject), never dropped unanswered.
constexpr int kMaxRejecting = 1024;
// How long a rejecter drains the client's request after the 503.
constexpr std::chrono::seconds kRejectLingerTime{1};

std::string BracketIfIpv6(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

api::HttpResponse TooManyConnections(uint32_t limit) {
  return TransportError(
      503, api::ErrorType::kServiceUnavailable,
      "Too many open connections (limit " + std::to_string(limit) + "); retry later");
}

}  // namespace

std::string EndpointHost(const std::string& host, uint16_t port) {
  std::string h = host;
  if (h == "0.0.0.0" || h == "::" || h == "[::]") h = "127.0.0.1";
  return BracketIfIpv6(h) + ":" + std::to_string(port);
}

struct HttpServer::Impl {
  explicit Impl(const ServerConfig& c) : shared(c) {}

  // Declared before the io_context so it outlives it: destroying the
  // io_context destroys suspended coroutines, whose guards touch it.
  ServerShared shared;
  const ServerConfig& config = shared.config;
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

  bool LogEnabled(LogLevel level) const { return shared.LogEnabled(level); }
  void Log(LogLevel level, std::string_view message) const { shared.Log(level, message); }

  void Listen(const ServerConfig& c);
  asio::awaitable<void> AcceptLoop();
  bool EvictIdleConnection();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  asio::awaitable<void> Reject(tcp::socket socket);
  void QuickReject(tcp::socket& socket);
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
  if (ec == asio::error::address_in_use)
    hint = " (another process uses the port: try --port 0 for a free one)";
  throw std::runtime_error("cannot listen on " + where + ": " + ec.message() + hint);
}

asio::awaitable<void> HttpServer::Impl::AcceptLoop() {
  asio::steady_timer backoff(co_await asio::this_coro::executor);
  for (;;) {
    // One thread: the io_context is an implicit strand, skip the wrapper.
    tcp::socket socket(config.threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                          : asio::any_io_executor(ioc.get_executor()));
    auto [ec] = co_await acceptor.async_accept(socket, kUseTuple);
    if (shared.stopping) co_return;
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
    auto conn = std::make_shared<Connection>(std::move(socket),
                                             std::chrono::seconds(config.header_timeout_seconds));
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
  if (LogEnabled(LogLevel::kDebug))
    Log(LogLevel::kDebug, "connection limit reached; closed an idle connection");
  return true;
}

asio::awaitable<void> HttpServer::Impl::Reject(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  co_await WriteErrorAndClose(stream, TooManyConnections(config.max_connections),
                              kRejectLingerTime);
}

// Beyond kMaxRejecting lingering rejecters: write the 503 without waiting
// (it fits in the socket's send buffer), drain what the client already sent
// (so closing does not reset the connection under our answer) and close.
void HttpServer::Impl::QuickReject(tcp::socket& socket) {
  beast::error_code ec;
  socket.non_blocking(true, ec);
  const WireResponse res = Serialize(TooManyConnections(config.max_connections), 11, false, false);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(res.head), asio::buffer(res.body)};
  socket.write_some(buffers, ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 4096> scratch;
  while (!ec) socket.read_some(asio::buffer(scratch), ec);
  socket.close(ec);
}

// The registry entry and the count live as long as the connection's coroutine.
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
  co_await ServeConnection(shared, std::move(conn));
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
                             (shared.stopping ? "" : ", shutting down"));
    BeginShutdown();
    WaitForSignal();
  });
}

void HttpServer::Impl::BeginShutdown() {
  if (finished) return;
  if (shared.stopping.exchange(true)) {
    // Second request to stop: skip the grace period.
    shutdown_deadline = Clock::now();
    ForceClose();
    return;
  }
  beast::error_code ec;
  acceptor.close(ec);
  if (shared.messaging)
    shared.messaging->Shutdown();  // hook: sessions close with 1012 so clients reconnect
  if (shared.on_shutdown) shared.on_shutdown();  // e.g. waiting event polls answer now
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
    Log(LogLevel::kWarn,
        "closing " + std::to_string(n) + " connection(s) still busy after the grace period");
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
      Log(LogLevel::kWarn,
          std::to_string(live.load()) + " connection(s) did not close; stopping anyway");
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
  s.shared.dispatcher = &dispatcher;
  std::string line = "chime-local listening on http://" + BracketIfIpv6(s.config.host) + ":" +
                     std::to_string(s.port) + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  if (s.config.host == "0.0.0.0" || s.config.host == "::") {
    // All interfaces (the container image): 0.0.0.0 is not an address to open.
    s.Log(LogLevel::kInfo,
          "open http://localhost:" + std::to_string(s.port) +
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

void HttpServer::SetTls(const std::string& cert_chain_file, const std::string& private_key_file,
                        const std::string& ca_file, bool load_at_start) {
  impl_->shared.tls = std::make_unique<ServerTls>(
      ServerTls::Files{cert_chain_file, private_key_file, ca_file, load_at_start});
}

void HttpServer::SetOnShutdown(std::function<void()> on_shutdown) {
  impl_->shared.on_shutdown = std::move(on_shutdown);
}

void HttpServer::SetMessaging(MessagingTransport* messaging, const WebAccess* web) {
  impl_->shared.messaging = messaging;
  impl_->shared.web = web;
}

void HttpServer::Stop() {
  Impl* s = impl_.get();
  asio::post(s->main_strand, [s] { s->BeginShutdown(); });
}

}  // namespace chime::server
