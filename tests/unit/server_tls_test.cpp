// TLS belongs to the server: https:// is served on the HTTP port with or
// without the messaging session's WebSocket hook.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <random>
#include <string>
#include <thread>

#include "api/dispatcher.hpp"
#include "server/http_server.hpp"
#include "server/local_ca.hpp"
#include "storage/store.hpp"

namespace chime {
namespace {

// GET `target` over TLS (the local CA's certificate is trusted), read to EOF;
// the raw answer, or "" when the handshake fails.
std::string HttpsGet(uint16_t port, const std::string& ca_file, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  std::string raw;
  if (SSL_connect(ssl) == 1) {
    const std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    SSL_write(ssl, req.data(), static_cast<int>(req.size()));
    char buf[4096];
    for (int n; (n = SSL_read(ssl, buf, sizeof buf)) > 0;) raw.append(buf, static_cast<size_t>(n));
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return raw;
}

TEST(ServerTlsTest, HttpsWorksWithoutTheMessagingHook) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("chime-tls-test-" + std::to_string(std::random_device{}()));
  const server::TlsFiles files = server::EnsureLocalCertificates(dir);
  auto store = storage::Store::Open(":memory:");
  server::ServerConfig config;
  config.port = 0;
  config.log_level = server::LogLevel::kError;
  server::HttpServer http(config);
  http.SetTls(files.cert_chain, files.private_key, files.ca_cert, true);  // and no SetMessaging
  api::Dispatcher dispatcher(api::ServiceConfig{}, *store, api::StorageInfo{true});
  std::promise<void> listening;
  std::thread serving([&] { http.Run(dispatcher, [&](uint16_t) { listening.set_value(); }); });
  listening.get_future().wait();

  const std::string reply = HttpsGet(http.port(), files.ca_cert, "/_chime-local/health");
  EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 200") << reply;

  http.Stop();
  serving.join();
  store->Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace chime
