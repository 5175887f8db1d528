// ServerTls: the certificate HttpServer serves https:// and wss:// with, on
// the port of http:// (a TLS ClientHello is told from plain HTTP by the first
// bytes). Owned by the server, so https:// works with or without the
// messaging session's WebSocket.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace chime::server {

// TLS over the connection's tcp_stream (whose deadlines then apply to the TLS
// reads and writes too): server/lean_tls_stream.hpp.
class LeanTlsStream;
using TlsStream = LeanTlsStream;

class ServerTls {
 public:
  struct Files {
    std::string cert_chain_file;   // PEM
    std::string private_key_file;  // PEM
    std::string ca_file;  // the local CA clients must trust (empty: a user's own certificate)
    // Load them in the constructor (a user's --tls-cert: a bad file stops the
    // start); otherwise at the first TLS connection.
    bool load_at_start = false;
  };
  // Throws std::runtime_error when load_at_start and a file cannot be loaded.
  explicit ServerTls(Files files);
  ~ServerTls();
  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;

  // Made at the first call (or at start, see Files); throws
  // std::runtime_error naming the file that cannot be loaded.
  boost::asio::ssl::context& context();
  const std::string& ca_file() const { return files_.ca_file; }

 private:
  Files files_;
  // Made at the first TLS connection, not at start: OpenSSL's TLS side
  // (library state, context, certificate) is then not in the memory of an
  // emulator that only ever serves plain HTTP (docs/performance.md).
  std::once_flag once_;
  std::unique_ptr<boost::asio::ssl::context> context_;
  std::string error_;
};

}  // namespace chime::server
