// The real HTTP server on the real pipeline: a storage unit that holds the
// writer (a stand-in for a slow disk or a long handler) delays neither the
// health endpoint nor read requests on other connections, and a write
// request queued behind it is answered only after it committed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "api/dispatcher.hpp"
#include "server/http_server.hpp"
#include "storage/database.hpp"
#include "storage/store.hpp"
#include "unit/gate.hpp"
#include "unit/temp_db_file.hpp"

namespace chime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct HttpReply {
  int status = 0;
  std::string body;
};

// One request on a fresh connection (Connection: close), read to EOF.
HttpReply Request(uint16_t port, const std::string& method, const std::string& target, const std::string& body = "") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!body.empty()) req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  EXPECT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string raw;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  HttpReply r;
  if (raw.size() > 12) r.status = std::stoi(raw.substr(9, 3));
  if (auto p = raw.find("\r\n\r\n"); p != std::string::npos) r.body = raw.substr(p + 4);
  return r;
}

std::string Enc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

using chime::testing::Gate;

TEST(ServerPipelineTest, ASlowWriteDelaysNeitherHealthNorReads) {
  storage::TempDbFile file;
  auto store = storage::Store::Open(file.path());
  server::ServerConfig config;
  config.port = 0;
  config.log_level = server::LogLevel::kError;
  server::HttpServer http(config);
  const uint16_t port = http.port();
  api::Dispatcher dispatcher(api::ServiceConfig{}, *store, api::StorageInfo{false});
  std::promise<void> listening;
  std::thread serving([&] { http.Run(dispatcher, [&](uint16_t) { listening.set_value(); }); });
  listening.get_future().wait();

  HttpReply created = Request(port, "POST", "/app-instances", R"({"Name":"app","ClientRequestToken":"t1"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string app = nlohmann::json::parse(created.body).value("AppInstanceArn", "");

  // Hold the writer thread, as a slow disk or handler would.
  Gate gate;
  std::promise<void> holding;
  store->SubmitWrite({[&](storage::Database&) {
                        holding.set_value();
                        gate.Wait();
                      },
                      [](std::exception_ptr) {}});
  holding.get_future().wait();

  // A write queued behind it waits (on its own connection)...
  auto write = std::async(std::launch::async, [&] {
    return Request(port, "POST", "/app-instances", R"({"Name":"second","ClientRequestToken":"t2"})");
  });
  // ...while health and a read are answered at once.
  const auto start = Clock::now();
  HttpReply health = Request(port, "GET", "/_chime-local/health");
  HttpReply read = Request(port, "GET", "/app-instances/" + Enc(app));
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("\"Name\":\"app\""), std::string::npos) << read.body;
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(write.wait_for(300ms), std::future_status::timeout) << "a write was answered before the writer ran it";

  gate.Open();
  ASSERT_EQ(write.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(write.get().status, 201);

  http.Stop();
  serving.join();
  store->Stop();
}

}  // namespace
}  // namespace chime
