// MessagingTransport: the network side of the messaging session, hooked into
// HttpServer's connections (server/http_server.cpp calls it at two points):
//
// - ServeIfTls: at the start of every connection it looks at the first bytes
//   (Beast's detect_ssl). A TLS ClientHello means this connection is served
//   here, over TLS: HTTPS requests go to the dispatcher like plain ones, and
//   `GET /connect` upgrades to the wss:// WebSocket amazon-chime-sdk-js opens.
//   Anything else stays with HttpServer (the bytes stay in its buffer), so
//   plain HTTP, HTTPS and WSS share one port.
// - ServeUpgrade: a plain-HTTP WebSocket upgrade (ws://host/connect), for
//   clients that build their own URL.
//
// A session: accept the upgrade; register it with the SessionHub (events
// queue from then on); look the user up and build the prefetch frames on a
// storage reader; unknown user -> close 4401; else SESSION_ESTABLISHED, the
// CHANNEL_DETAILS frames, then every frame the hub queues, with WebSocket
// pings while idle. Client data is read and ignored. The hub can ask for a
// close (1013 on queue overflow, 1012 at shutdown).
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

namespace chime::api {
class Dispatcher;
class SessionHub;
}  // namespace chime::api
namespace chime::storage {
class Pipeline;
}

namespace chime::server {

class WebAccess;

class MessagingTransport {
 public:
  using Log = std::function<void(LogLevel, std::string_view)>;
  struct Options {
    std::string cert_chain_file;  // PEM
    std::string private_key_file;  // PEM
    const ServerConfig* config = nullptr;
    const api::ServiceConfig* service = nullptr;  // strict SigV4 of /connect; null: not checked
    api::SessionHub* hub = nullptr;
    storage::Pipeline* pipeline = nullptr;
    api::Dispatcher* dispatcher = nullptr;
    const WebAccess* web = nullptr;
    Log log;
  };
  // Loads the certificate and key; throws std::runtime_error.
  explicit MessagingTransport(Options options);
  ~MessagingTransport();
  MessagingTransport(const MessagingTransport&) = delete;
  MessagingTransport& operator=(const MessagingTransport&) = delete;

  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  boost::asio::awaitable<bool> ServeIfTls(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer);
  boost::asio::awaitable<void> ServeUpgrade(boost::beast::tcp_stream& stream, Request request);
  // Graceful shutdown: every session is closed with 1012 (service restart).
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chime::server
