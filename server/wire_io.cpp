#include "server/wire_io.hpp"

#include <boost/beast/core/string.hpp>

namespace chime::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

// Read size while looking for the end of a request head.
constexpr size_t kHeadReadChunk = 4096;

std::string ToStdString(beast::string_view s) { return std::string(s.data(), s.size()); }

}  // namespace

api::HttpRequest ToApiRequest(Request& req, bool take_body) {
  api::HttpRequest out;
  out.method = ToStdString(req.method_string());
  for (char& c : out.method) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  out.target = ToStdString(req.target());
  for (const auto& field : req) {
    out.headers.emplace_back(ToStdString(field.name_string()), ToStdString(field.value()));
  }
  if (take_body) out.body = std::move(req.body());
  return out;
}

HeaderFields FieldsOf(const Request& head) {
  HeaderFields fields;
  for (const auto& f : head) {
    fields.push_back({std::string_view(f.name_string().data(), f.name_string().size()),
                      std::string_view(f.value().data(), f.value().size())});
  }
  return fields;
}

asio::awaitable<void> EndOutput(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  co_return;
}

asio::awaitable<void> EndOutput(TlsStream& stream) {
  [[maybe_unused]] auto [ec] =
      co_await stream.async_shutdown(kUseTuple);  // the peer may just close
  co_await EndOutput(stream.next_layer());
}

template <class Io>
asio::awaitable<HeadResult> ReadHead(const ServerShared& shared,
                                     const std::shared_ptr<Connection>& c, Io& io,
                                     HeadScanner& scanner, bool first_request) {
  Connection& conn = *c;
  auto& buffer = conn.buffer;
  const ServerConfig& config = shared.config;
  const auto header_timeout = std::chrono::seconds(config.header_timeout_seconds);

  // On expiry the timer cancels the pending read (the socket stays open).
  auto arm_at = [&](Clock::time_point deadline) {
    const uint64_t generation = ++conn.head_timer_generation;
    conn.head_deadline_hit = false;
    conn.head_timer.expires_at(deadline);
    conn.head_timer.async_wait([c, generation](const beast::error_code& ec) {
      if (ec || c->head_timer_generation != generation) return;
      c->head_deadline_hit = true;
      beast::error_code ignored;
      c->stream.socket().cancel(ignored);
    });
  };
  auto arm = [&](std::chrono::seconds after) { arm_at(Clock::now() + after); };
  struct Disarm {
    Connection& conn;
    ~Disarm() {
      ++conn.head_timer_generation;
      conn.head_timer.cancel();
    }
  } disarm{conn};

  conn.stream.expires_never();
  bool head_clock = first_request;
  if (first_request) {
    arm_at(conn.first_head_deadline);
  } else {
    arm(std::chrono::seconds(config.idle_timeout_seconds));
  }
  for (;;) {
    std::string_view bytes(static_cast<const char*>(buffer.data().data()), buffer.size());
    // RFC 9112 section 2.2: ignore empty lines before a request line (some
    // clients send a CRLF after a POST body).
    if (!scanner.started() && bytes.substr(0, 2) == "\r\n") {
      buffer.consume(2);
      continue;
    }
    if (!bytes.empty()) {
      conn.idle = false;
      if (!head_clock) {
        head_clock = true;
        arm(header_timeout);
      }
    }
    switch (scanner.Feed(bytes)) {
      case HeadScanner::State::kComplete:
        co_return scanner.head_size() > config.max_header_bytes ? HeadResult::kTooLarge
                                                                : HeadResult::kComplete;
      case HeadScanner::State::kMalformed:
        co_return HeadResult::kMalformed;
      case HeadScanner::State::kIncomplete:
        break;
    }
    if (bytes.size() > config.max_header_bytes) co_return HeadResult::kTooLarge;
    if (bytes.empty()) conn.MarkIdle();
    auto [ec, n] = co_await io.async_read_some(buffer.prepare(kHeadReadChunk), kUseTuple);
    conn.MarkBusy();
    if (ec) {
      if (conn.head_deadline_hit)
        co_return buffer.size() > 0 ? HeadResult::kTimeout : HeadResult::kClosed;
      if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
        shared.Log(LogLevel::kDebug, "connection closed: " + ec.message());
      }
      co_return HeadResult::kClosed;
    }
    buffer.commit(n);
  }
}

template asio::awaitable<HeadResult> ReadHead(const ServerShared&,
                                              const std::shared_ptr<Connection>&,
                                              beast::tcp_stream&, HeadScanner&, bool);
template asio::awaitable<HeadResult> ReadHead(const ServerShared&,
                                              const std::shared_ptr<Connection>&, TlsStream&,
                                              HeadScanner&, bool);

}  // namespace chime::server
