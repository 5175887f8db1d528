// Fuzzes HTTP/1.1 request framing as the server configures it: Beast's
// request_parser<string_body> with the default header and body limits of
// server::ServerConfig, fed the way server/http_session.cpp reads a connection
// (header first, then body; several pipelined requests per connection until
// an error or "Connection: close"), each parsed request handed to the
// api::Dispatcher like the server does.
//
// Input: byte 0 is the read size (1..255 bytes arrive per read; 0 = all at
// once), so the parser's incremental paths run too; the rest is the byte
// stream a client sent on one connection.
//
// Where server/request_framing.hpp exists (the Beast-free framing policy), the
// head goes through it first exactly as http_session.cpp does: HeadScanner finds
// the end of the head in the raw bytes (refusing obs-fold, bare LF, ...), Beast
// parses those bytes, CheckFraming judges the parsed fields, then the body.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/config.hpp"
#include "tests/fuzz/seeded_store.hpp"

#if __has_include("server/request_framing.hpp")
#include "server/request_framing.hpp"
#define CHIME_FUZZ_FRAMING_POLICY 1
#else
#define CHIME_FUZZ_FRAMING_POLICY 0
#endif

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using RequestParser = http::request_parser<http::string_body>;

// Feeds `stream` from `*pos` to the parser, at most `read_size` more bytes
// per simulated read, until the parser is done or fails. Returns the error
// (need_more is turned into the end-of-stream error put_eof() reports).
beast::error_code ParseOne(RequestParser& parser, std::string_view stream, size_t read_size, size_t* pos,
                           size_t* received, const chime::server::ServerConfig& config) {
  beast::error_code ec;
#if CHIME_FUZZ_FRAMING_POLICY
  // The head, as HttpServer::Impl::ReadHead reads it.
  chime::server::HeadScanner scanner;
  for (;;) {
    std::string_view bytes = stream.substr(*pos, *received - *pos);
    if (!scanner.started() && bytes.substr(0, 2) == "\r\n") {  // empty lines before a request
      *pos += 2;
      continue;
    }
    const auto state = scanner.Feed(bytes);
    if (state == chime::server::HeadScanner::State::kComplete) {
      if (scanner.head_size() > bytes.size()) __builtin_trap();
      if (scanner.head_size() > config.max_header_bytes) return http::error::header_limit;
      break;
    }
    if (state == chime::server::HeadScanner::State::kMalformed) {
      if (scanner.error().empty()) __builtin_trap();  // the 400 must say why
      return http::error::bad_value;
    }
    if (bytes.size() > config.max_header_bytes) return http::error::header_limit;
    if (*received == stream.size()) return http::error::end_of_stream;
    *received = std::min(stream.size(), *received + read_size);
  }
  // Beast parses exactly those bytes; then the framing rules judge the fields.
  *pos += parser.put(boost::asio::const_buffer(stream.data() + *pos, scanner.head_size()), ec);
  if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
  if (ec) return ec;
  chime::server::HeaderFields fields;
  for (const auto& f : parser.get()) {
    fields.push_back({std::string_view(f.name_string().data(), f.name_string().size()),
                      std::string_view(f.value().data(), f.value().size())});
  }
  if (chime::server::CheckFraming(fields, parser.get().version())) return http::error::bad_value;
  if (parser.is_done()) return ec;
#endif
  for (;;) {
    std::string_view avail = stream.substr(*pos, *received - *pos);
    size_t used = parser.put(boost::asio::const_buffer(avail.data(), avail.size()), ec);
    *pos += used;
    if (!ec && parser.is_done()) return ec;
    if (ec && ec != http::error::need_more) return ec;
    if (!ec && used > 0) continue;  // header complete (non-eager): go on with the body
    ec = {};
    if (*received == stream.size()) {  // the client closed the connection
      parser.put_eof(ec);
      return ec;
    }
    *received = std::min(stream.size(), *received + read_size);
  }
}

std::string Str(beast::string_view s) { return std::string(s.data(), s.size()); }

// As http_session.cpp hands a parsed request to the dispatcher.
chime::api::HttpRequest ToApiRequest(http::request<http::string_body>& req) {
  chime::api::HttpRequest out;
  out.method = Str(req.method_string());
  for (char& c : out.method)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  out.target = Str(req.target());
  for (const auto& field : req) out.headers.emplace_back(Str(field.name_string()), Str(field.value()));
  out.body = std::move(req.body());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One store for the whole run: framing is the subject here; the handlers
  // get a fresh store per input in fuzz_operation.
  static chime::fuzz::SeededStore* store = new chime::fuzz::SeededStore();
  static const chime::server::ServerConfig config;
  if (size < 1) return 0;
  const size_t read_size = data[0] == 0 ? size : data[0];
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  size_t pos = 0, received = std::min(stream.size(), read_size);
  while (pos < stream.size()) {
    RequestParser parser;
    parser.header_limit(config.max_header_bytes);
    parser.body_limit(config.max_body_bytes);
    beast::error_code ec = ParseOne(parser, stream, read_size, &pos, &received, config);
    if (ec) return 0;  // the server answers 400/413/431 or just closes
    auto& req = parser.get();
    if (req.body().size() > config.max_body_bytes) __builtin_trap();
    const bool keep_alive = req.keep_alive();
    chime::api::HttpResponse res = store->Handle(ToApiRequest(req));
    if (res.status >= 500 && res.status != 501) __builtin_trap();
    if (!keep_alive) break;
  }
  return 0;
}
