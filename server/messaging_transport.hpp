// MessagingTransport: the network side of the messaging session, hooked into
// HttpServer's connections (server/http_server.cpp calls it at two points):
//
// - tls_context: the certificate HttpServer serves TLS with on the same port
//   (it tells a TLS ClientHello from plain HTTP by the first bytes), so
//   plain HTTP, HTTPS and WSS share one port and one request loop.
// - ServeUpgrade: a WebSocket upgrade, over TLS (the wss:// URL
//   amazon-chime-sdk-js opens: `GET /connect`) or plain (ws://host/connect,
//   for clients that build their own URL).
//
// A session: accept the upgrade; register it with the SessionHub (events
// queue from then on); look the user up and build the prefetch frames on a
// storage reader; unknown user -> close 4401; else SESSION_ESTABLISHED, the
// CHANNEL_DETAILS frames, then every frame the hub queues, with WebSocket
// pings while idle. Client data is read and ignored. The hub can ask for a
// close (1013 on queue overflow, 4401 when the user or bot is deleted, 1012
// at shutdown). Every write has a deadline (a closing session's, its close
// frame's included, 5 s); past it the TCP connection is dropped.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/config.hpp"

namespace boost::asio::ssl {
class context;
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace chime::api {
class SessionHub;
}  // namespace chime::api
namespace chime::storage {
class Pipeline;
}

namespace chime::server {

class MessagingTransport {
 public:
  using Log = std::function<void(LogLevel, std::string_view)>;
  struct Options {
    std::string cert_chain_file;  // PEM
    std::string private_key_file;  // PEM
    std::string ca_file;  // the local CA clients must trust (empty: a user's own certificate)
    // Load them in the constructor (a user's --tls-cert: a bad file stops the
    // start); otherwise at the first TLS connection.
    bool load_tls_at_start = false;
    const api::ServiceConfig* service = nullptr;  // strict SigV4 of /connect; null: not checked
    api::SessionHub* hub = nullptr;
    storage::Pipeline* pipeline = nullptr;
    Log log;
  };
  // Throws std::runtime_error when load_tls_at_start and a file cannot be loaded.
  explicit MessagingTransport(Options options);
  ~MessagingTransport();
  MessagingTransport(const MessagingTransport&) = delete;
  MessagingTransport& operator=(const MessagingTransport&) = delete;

  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream&>;
  // Made at the first call (or at start, see Options); throws
  // std::runtime_error when the certificate or key cannot be loaded.
  boost::asio::ssl::context& tls_context();
  const std::string& ca_file() const;
  boost::asio::awaitable<void> ServeUpgrade(boost::beast::tcp_stream& stream, Request request);
  boost::asio::awaitable<void> ServeUpgrade(TlsStream& stream, Request request);
  // Graceful shutdown: every session is closed with 1012 (service restart).
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chime::server
