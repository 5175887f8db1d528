// MessagingTransport: the WebSocket session of the messaging session, hooked
// into HttpServer's request loop (server/http_session.cpp): ServeUpgrade takes
// a WebSocket upgrade, over TLS (the wss:// URL amazon-chime-sdk-js opens:
// `GET /connect`) or plain (ws://host/connect, for clients that build their
// own URL). TLS itself is the server's (server/tls_context.hpp).
//
// A session starts through api::Dispatcher like every request: RefuseSession
// before the upgrade (404 off /connect, --sigv4 strict's 403); accept the
// upgrade; register it with the SessionHub (events queue from then on);
// BeginSession looks the user up and builds the prefetch frames on a storage
// reader; unknown user -> close 4401; else SESSION_ESTABLISHED, the
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
#include "server/tls_context.hpp"

namespace chime::api {
class Dispatcher;
class SessionHub;
}  // namespace chime::api

namespace chime::server {

class MessagingTransport {
 public:
  using Log = std::function<void(LogLevel, std::string_view)>;
  struct Options {
    api::Dispatcher* dispatcher = nullptr;  // starts every session (RefuseSession, BeginSession)
    api::SessionHub* hub = nullptr;
    Log log;
  };
  explicit MessagingTransport(Options options);
  ~MessagingTransport();
  MessagingTransport(const MessagingTransport&) = delete;
  MessagingTransport& operator=(const MessagingTransport&) = delete;

  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  boost::asio::awaitable<void> ServeUpgrade(boost::beast::tcp_stream& stream, Request request);
  boost::asio::awaitable<void> ServeUpgrade(TlsStream& stream, Request request);
  // Graceful shutdown: every session is closed with 1012 (service restart).
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chime::server
