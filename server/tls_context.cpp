// Includes Asio's SSL (OpenSSL headers): keep everything else out of it.
#include "server/tls_context.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>
#include <utility>

namespace chime::server {

namespace {

namespace ssl = boost::asio::ssl;

// The server side of TLS with the certificate and key files; throws
// std::runtime_error naming the file that cannot be loaded.
std::unique_ptr<ssl::context> MakeTlsContext(const std::string& cert_chain_file,
                                             const std::string& private_key_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  // Idle sessions are the common case: let OpenSSL free its record buffers between writes.
  SSL_CTX_set_mode(context->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  try {
    context->use_certificate_chain_file(cert_chain_file);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS certificate " + cert_chain_file + ": " + e.what());
  }
  try {
    context->use_private_key_file(private_key_file, ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS key " + private_key_file + ": " + e.what());
  }
  return context;
}

}  // namespace

ServerTls::ServerTls(Files files) : files_(std::move(files)) {
  if (files_.load_at_start) context();
}

ServerTls::~ServerTls() = default;

ssl::context& ServerTls::context() {
  std::call_once(once_, [this] {
    try {
      context_ = MakeTlsContext(files_.cert_chain_file, files_.private_key_file);
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  });
  if (!context_) throw std::runtime_error(error_);
  return *context_;
}

}  // namespace chime::server
