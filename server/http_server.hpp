// HttpServer: the HTTP/1.1 front end of chime-local. It owns the sockets,
// threads and TLS, enforces transport limits (body/header size, header and
// idle timeouts, connection count), applies the edge checks
// (edge_checks.hpp), hands every complete request to api::Dispatcher and logs
// it (log.hpp). Its parts: listener.cpp (accept, limits, shutdown),
// http_session.cpp (one connection's request loop), wire.cpp / wire_io.cpp
// (bytes in and out), tls_context.cpp, messaging_transport.cpp (WebSocket).
//
// Two steps, so main can learn the real port (port 0 = ephemeral) before it
// builds the Dispatcher, whose ServiceConfig advertises host:port:
//
//   HttpServer server(config);              // resolves and binds; throws on failure
//   api::ServiceConfig svc{..., EndpointHost(config.host, server.port())};
//   api::Dispatcher dispatcher(svc, db);
//   return server.Run(dispatcher);          // serves until SIGINT/SIGTERM or Stop()
//
// Boost-free on purpose: Beast/Asio are slow to compile and stay in the few
// server/ files that need them (the transport's .cpp files, connection.hpp,
// wire_io.hpp, tls_context.hpp, async_dispatch.hpp, outgoing/aws_http_client.cpp;
// main.cpp gets them only through messaging_transport.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/config.hpp"

namespace chime::api {
class Dispatcher;
}

namespace chime::server {

class MessagingTransport;
class WebAccess;

class HttpServer {
 public:
  // Called from Run() once the server accepts connections, with the bound port.
  using OnListening = std::function<void(uint16_t port)>;

  // Resolves config.host, binds config.port and starts listening (connections
  // queue in the backlog until Run()). Installs the SIGINT/SIGTERM handlers.
  // Throws std::runtime_error("cannot listen on HOST:PORT: WHY").
  explicit HttpServer(const ServerConfig& config);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port: config.port, or the kernel's choice when that was 0.
  uint16_t port() const;

  // Prints "chime-local listening on http://HOST:PORT" to stdout (flushed),
  // calls on_listening, then serves on config.threads threads (the calling
  // thread is one of them). Returns 0 after a graceful shutdown: stop
  // accepting, close idle keep-alive connections, let in-flight requests
  // finish for up to 5 s, then close the rest. Call at most once.
  // `dispatcher` must outlive Run().
  int Run(api::Dispatcher& dispatcher, OnListening on_listening = {});

  // https:// (and wss://) on the same port: a connection whose first bytes
  // are a TLS ClientHello is served over TLS with this certificate (PEM
  // files). Loaded at the first TLS connection, or now when load_at_start
  // (then throws std::runtime_error naming a file that cannot be loaded).
  // Optional; set before Run().
  void SetTls(const std::string& cert_chain_file, const std::string& private_key_file, const std::string& ca_file,
              bool load_at_start);

  // Hooks of the messaging session and browser access (both optional; set
  // before Run(), must outlive it): WebSocket upgrades go to `messaging`,
  // CORS and the session endpoint host to `web`.
  void SetMessaging(MessagingTransport* messaging, const WebAccess* web);
  // Called once when the graceful shutdown begins (set before Run()): lets
  // requests that wait for something (the events long poll) answer now
  // instead of holding their connection through the grace period.
  void SetOnShutdown(std::function<void()> on_shutdown);

  // Starts the same graceful shutdown as SIGTERM. Thread-safe; may be called
  // before or during Run() (a second call, like a second signal, skips the
  // grace period).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The host:port clients should use to reach this server ("127.0.0.1:4590").
// A wildcard bind address (0.0.0.0, ::) is mapped to loopback, and IPv6
// literals are bracketed.
std::string EndpointHost(const std::string& host, uint16_t port);

}  // namespace chime::server
