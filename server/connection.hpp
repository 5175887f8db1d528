// What the listener (server/listener.cpp) and the HTTP session
// (server/http_session.cpp) share: one client Connection, and ServerShared,
// the server's settings and hooks every session reads. Includes Beast.
#pragma once

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "server/config.hpp"
#include "server/cross_site_policy.hpp"
#include "server/log.hpp"
#include "server/tls_context.hpp"
#include "server/untrusted_ca_warnings.hpp"

namespace chime::api {
class Dispatcher;
}

namespace chime::server {

class MessagingTransport;
class ServerTls;
class WebAccess;

using Clock = std::chrono::steady_clock;
inline constexpr auto kUseTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// One client connection. Touched only on its own strand, except for the
// listener's registry entry and the atomics.
struct Connection {
  Connection(boost::asio::ip::tcp::socket socket, std::chrono::seconds header_timeout)
      : stream(std::move(socket)),
        head_timer(stream.get_executor()),
        first_head_deadline(Clock::now() + header_timeout) {}
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
  // The deadlines while reading a head. Not the stream's own timeout, which
  // closes the socket: a late head still gets its 408.
  boost::asio::steady_timer head_timer;
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

  // Until its next byte the connection is idle (see above).
  void MarkIdle() {
    waiting_first_byte = true;
    idle_since = Clock::now().time_since_epoch().count();
    idle = true;
  }
  void MarkBusy() {
    idle = false;
    waiting_first_byte = false;
  }
};

// The server's settings and hooks, read by every session; outlives them all.
struct ServerShared {
  explicit ServerShared(const ServerConfig& c)
      : config(c), logger(c.log_level, c.log_format), cross_site(CrossSitePolicy::FromConfig(c)) {}

  const ServerConfig config;
  const Logger logger;
  const CrossSitePolicy cross_site;
  api::Dispatcher* dispatcher = nullptr;
  std::unique_ptr<ServerTls> tls;           // https:// and wss:// (optional)
  MessagingTransport* messaging = nullptr;  // WebSocket messaging-session hook (optional)
  const WebAccess* web = nullptr;           // CORS / session endpoint hook (optional)
  std::function<void()> on_shutdown;        // called when the graceful shutdown begins (optional)
  std::atomic<bool> stopping{false};
  // One PUT /_chime-local/snapshot body in memory at a time (it may be up to
  // --max-snapshot-bytes); a second one meanwhile gets 503.
  std::atomic<bool> snapshot_upload_busy{false};
  UntrustedCaWarnings untrusted_ca_warnings;

  bool LogEnabled(LogLevel level) const { return logger.Enabled(level); }
  void Log(LogLevel level, std::string_view message) const { logger.Log(level, message); }
};

// One connection from accept to close: TLS detection (when the server has
// TLS), the handshake, then the request loop (server/http_session.cpp).
boost::asio::awaitable<void> ServeConnection(ServerShared& shared,
                                             std::shared_ptr<Connection> conn);

}  // namespace chime::server
