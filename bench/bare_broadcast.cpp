// bare_broadcast: the yardstick of the messaging-session benchmark
// (bench/messaging_session.mjs --server bare). A bare Beast WebSocket
// broadcast server in the shape of Beast's websocket chat-multi example (one
// I/O thread, a queue of shared frames per session, one async_write at a
// time), with nothing of chime-local: no store, no hub, no deadlines. It
// accepts sessions on GET /connect, sends a SESSION_ESTABLISHED frame, and on
// POST /broadcast sends every open session a frame shaped like chime-local's
// CREATE_CHANNEL_MESSAGE frame around the request body. The figure that
// matters is the ratio of chime-local's CPU per delivery to this server's.
//
//   bare_broadcast [--port 0]     prints "listening on port N"
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class Session;
std::unordered_set<Session*> g_sessions;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : ws_(std::move(socket)) {}
  ~Session() { g_sessions.erase(this); }

  void Accept(http::request<http::string_body> req) {
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ws_.text(true);
      g_sessions.insert(self.get());
      self->Send(std::make_shared<const std::string>(
          R"({"Headers":{"x-amz-chime-event-type":"SESSION_ESTABLISHED","x-amz-chime-message-type":"SYSTEM"}})"));
      self->Read();
    });
  }

  void Send(std::shared_ptr<const std::string> frame) {
    queue_.push_back(std::move(frame));
    if (queue_.size() > 1) return;  // a write is under way
    Write();
  }

 private:
  void Write() {
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->Write();
    });
  }
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
};

// A JSON string body of `s` (the payload is a JSON document inside a string).
std::string Escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void Broadcast(const std::string& content) {
  const std::string payload =
      R"({"ChannelArn":"arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-0000-0000-000000000000/channel/00000000-0000-0000-0000-000000000000","MessageId":"0000000000000000000000000000000000000000000000000000000000000000","Content":")" +
      content +
      R"(","Type":"STANDARD","CreatedTimestamp":"2026-12-06T23:00:00.000Z","LastUpdatedTimestamp":"2026-12-06T23:00:00.000Z","Sender":{"Arn":"arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-0000-0000-000000000000/user/u0","Name":"U0"},"Persistence":"PERSISTENT","Status":{"Value":"SENT"},"Redacted":false})";
  auto frame = std::make_shared<const std::string>(
      R"({"Headers":{"x-amz-chime-event-type":"CREATE_CHANNEL_MESSAGE","x-amz-chime-message-type":"STANDARD"},"Payload":")" +
      Escaped(payload) + "\"}");
  for (Session* s : g_sessions) s->Send(frame);
}

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  explicit HttpConnection(tcp::socket socket) : socket_(std::move(socket)) {}
  void Read() {
    req_ = {};
    http::async_read(socket_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      if (websocket::is_upgrade(self->req_)) {
        std::make_shared<Session>(std::move(self->socket_))->Accept(std::move(self->req_));
        return;
      }
      if (self->req_.method() == http::verb::post) Broadcast(self->req_.body());
      auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, self->req_.version());
      res->body() = "{}";
      res->prepare_payload();
      res->keep_alive(self->req_.keep_alive());
      http::async_write(self->socket_, *res, [self, res](beast::error_code ec, size_t) {
        if (!ec && res->keep_alive()) self->Read();
      });
    });
  }

 private:
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
};

void Accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<HttpConnection>(std::move(socket))->Read();
    }
    Accept(acceptor);
  });
}

int main(int argc, char** argv) {
  unsigned short port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--port") port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
  }
  asio::io_context ioc(1);
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
  std::printf("listening on port %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  Accept(acceptor);
  ioc.run();
}
