// The wire code the HTTP session (server/http_session.cpp) and the messaging
// session (server/messaging_transport.cpp) share, over plain TCP (Io =
// beast::tcp_stream) and TLS (Io = TlsStream): reading one request head into
// the connection's buffer, writing a serialized response (server/wire.hpp),
// the end of our output, and a refusal followed by a linger. Includes Beast.
#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "api/http_types.hpp"
#include "server/connection.hpp"
#include "server/lean_tls_stream.hpp"
#include "server/request_framing.hpp"
#include "server/wire.hpp"

namespace chime::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// After an error response we half-close and read (discard) what the client is
// still sending for at most this long, so the kernel does not answer the
// unread bytes with a RST that would destroy our response in flight.
inline constexpr std::chrono::seconds kLingerTime{2};

// The request in the api layer's terms. `take_body`: the body moves out.
api::HttpRequest ToApiRequest(Request& request, bool take_body);
// The parsed head's fields, viewing `head`.
HeaderFields FieldsOf(const Request& head);

enum class HeadResult { kComplete, kClosed, kTimeout, kTooLarge, kMalformed };

// Reads until conn.buffer holds one complete request head. Deadlines: the
// first request of a connection must arrive within header_timeout of
// connecting (TLS detection and handshake included: first_head_deadline);
// later ones may wait idle_timeout for their first byte, then have
// header_timeout for the rest of the head. Instantiated for both streams in
// wire_io.cpp.
template <class Io>
boost::asio::awaitable<HeadResult> ReadHead(const ServerShared& shared,
                                            const std::shared_ptr<Connection>& conn, Io& io,
                                            HeadScanner& scanner, bool first_request);

template <class Io>
boost::asio::awaitable<boost::beast::error_code> Write(Io& io, const WireResponse& res) {
  std::array<boost::asio::const_buffer, 2> buffers{boost::asio::buffer(res.head),
                                                   boost::asio::buffer(res.body)};
  auto [ec, n] = co_await boost::asio::async_write(io, buffers, kUseTuple);
  co_return ec;
}

// The end of our side of the connection: a TCP half-close, after TLS's
// close_notify on a TLS connection (bounded by the stream's deadline).
boost::asio::awaitable<void> EndOutput(boost::beast::tcp_stream& stream);
boost::asio::awaitable<void> EndOutput(TlsStream& stream);

// Writes a refusal (Connection: close), ends our output and drains what the
// client still sends for at most `linger`.
template <class Io>
boost::asio::awaitable<void> WriteErrorAndClose(Io& io, api::HttpResponse res,
                                                std::chrono::seconds linger = kLingerTime) {
  boost::beast::tcp_stream& stream = boost::beast::get_lowest_layer(io);
  stream.expires_after(linger);
  if (co_await Write(io, Serialize(std::move(res), 11, false, false))) co_return;
  co_await EndOutput(io);
  std::array<char, 4096> scratch;
  for (;;) {  // until EOF, error, or the linger timeout
    auto [read_ec, n] = co_await stream.async_read_some(boost::asio::buffer(scratch), kUseTuple);
    if (read_ec) break;
  }
}

}  // namespace chime::server
