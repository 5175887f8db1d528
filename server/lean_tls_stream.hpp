// LeanTlsStream: TLS over a connection's beast::tcp_stream for https:// and
// wss://, with OpenSSL on two memory BIOs and nothing else. Asio's
// ssl::stream keeps two 17 KB buffers of its own and a BIO pair of 2 x 17 KB
// per connection, ~80 KB that an idle WebSocket session never needs; here a
// connection holds the SSL object (whose record buffers OpenSSL releases
// between writes, SSL_MODE_RELEASE_BUFFERS), a 4 KB read buffer and what the
// memory BIOs hold (the largest record in flight). A write takes up to 16 KB
// of plaintext as one TLS record (Asio writes a WebSocket frame's header and
// payload as two).
//
// Reads and writes go through the tcp_stream, so its deadlines and cancel()
// apply as before. One read and one write may be under way at once (what
// Beast's HTTP and WebSocket streams do); the handshake and the shutdown run
// alone. A read that needs to send (a TLS alert, a key update answer) leaves
// it for the next write; shutdown sends close_notify and does not wait for the
// peer's. Errors: the peer's close_notify is asio::error::eof, OpenSSL's
// errors are in asio::error::get_ssl_category() (ERR_get_error() values, as
// Asio reports them).
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <boost/asio/append.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace chime::server {

class LeanTlsStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;
  using error_code = boost::system::error_code;

  // A server-side TLS connection over `next` with `context`'s certificate.
  LeanTlsStream(next_layer_type& next, boost::asio::ssl::context& context);
  ~LeanTlsStream();
  LeanTlsStream(const LeanTlsStream&) = delete;
  LeanTlsStream& operator=(const LeanTlsStream&) = delete;

  executor_type get_executor() { return next_.get_executor(); }
  next_layer_type& next_layer() { return next_; }
  SSL* native_handle() { return ssl_; }

  // The server handshake; `initial` holds bytes already read from the
  // connection (TLS detection). Completes with (error_code, bytes of
  // `initial` used), always all of them.
  template <class ConstBuffers, class Token>
  auto async_handshake(boost::asio::ssl::stream_base::handshake_type, const ConstBuffers& initial, Token&& token) {
    Feed(initial);
    return boost::asio::async_compose<Token, void(error_code, size_t)>(
        HandshakeOp{*this, boost::asio::buffer_size(initial)}, token, next_);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, size_t)>(ReadOp<MutableBuffers>{*this, buffers},
                                                                       token, next_);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, size_t)>(WriteOp<ConstBuffers>{*this, buffers},
                                                                       token, next_);
  }

  // Sends close_notify (once); completes when it is written.
  template <class Token>
  auto async_shutdown(Token&& token) {
    return boost::asio::async_compose<Token, void(error_code)>(ShutdownOp{*this}, token, next_);
  }

 private:
  static constexpr size_t kReadChunk = 4096;
  static constexpr size_t kMaxPlaintextRecord = 16384;

  // Decrypt/encrypt steps (lean_tls_stream.cpp): no I/O.
  void Feed(const void* data, size_t n);
  template <class ConstBuffers>
  void Feed(const ConstBuffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::const_buffer b(*it);
      Feed(b.data(), b.size());
    }
  }
  // Moves what OpenSSL wrote to the outgoing BIO into `out`; false if nothing.
  bool TakeOutput(std::vector<char>& out);
  // The error of an OpenSSL call that returned `result` (SSL_get_error's kind in `kind`).
  error_code ErrorOf(int result, int& kind);
  // Encrypts up to kMaxPlaintextRecord bytes of `buffers`; the plaintext bytes taken.
  size_t Encrypt(const boost::asio::const_buffer* parts, size_t count, error_code& ec);
  std::vector<char>& ReadChunk();

  // A step that completes at once is posted first (no handler runs inside its initiation).
  template <class Self, class... Args>
  static void CompleteSoon(Self& self, bool from_initiation, Args... args) {
    if (!from_initiation) return self.complete(args...);
    auto ex = self.get_io_executor();
    boost::asio::post(std::move(ex), [self = std::move(self), args...]() mutable { self.complete(args...); });
  }

  struct HandshakeOp {
    LeanTlsStream& s;
    size_t used;
    std::vector<char> out{};
    error_code failure{};
    bool done = false;
    bool writing = false;
    bool started = false;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0);
  };

  template <class MutableBuffers>
  struct ReadOp {
    LeanTlsStream& s;
    MutableBuffers buffers;
    bool started = false;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0);
  };

  template <class ConstBuffers>
  struct WriteOp {
    LeanTlsStream& s;
    ConstBuffers buffers;
    std::vector<char> out{};
    size_t taken = 0;
    bool started = false;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0);
  };

  struct ShutdownOp {
    LeanTlsStream& s;
    std::vector<char> out{};
    bool started = false;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0);
  };

  next_layer_type& next_;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // ciphertext read from the peer, owned by ssl_
  BIO* out_ = nullptr;  // ciphertext for the peer, owned by ssl_
  std::vector<char> chunk_;  // the read buffer, made at the first read
  bool shut_down_ = false;
};

template <class Self>
void LeanTlsStream::HandshakeOp::operator()(Self& self, error_code ec, size_t n) {
  const bool first = !started;
  if (started) {
    if (ec) return self.complete(ec, used);
    if (writing) {
      writing = false;
      out.clear();
      if (failure || done) return self.complete(failure, used);
    } else {
      s.Feed(s.chunk_.data(), n);
    }
  }
  started = true;
  int kind = SSL_ERROR_NONE;
  ERR_clear_error();
  const int r = SSL_do_handshake(s.ssl_);
  if (r == 1) {
    done = true;
  } else {
    failure = s.ErrorOf(r, kind);  // none while it only wants more bytes
  }
  // What the handshake produced goes out first, a failure's alert included.
  if (s.TakeOutput(out)) {
    writing = true;
    return boost::asio::async_write(s.next_, boost::asio::buffer(out), std::move(self));
  }
  if (done || failure) return CompleteSoon(self, first, failure, used);
  if (kind == SSL_ERROR_WANT_READ) {
    return s.next_.async_read_some(boost::asio::buffer(s.ReadChunk()), std::move(self));
  }
  CompleteSoon(self, first, error_code(boost::asio::error::fault), used);
}

template <class MutableBuffers>
template <class Self>
void LeanTlsStream::ReadOp<MutableBuffers>::operator()(Self& self, error_code ec, size_t n) {
  const bool first = !started;
  if (started) {
    if (ec) return self.complete(ec, size_t{0});
    s.Feed(s.chunk_.data(), n);
  }
  started = true;
  boost::asio::mutable_buffer into;
  for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
    into = boost::asio::mutable_buffer(*it);
    if (into.size() > 0) break;
  }
  if (into.size() == 0) return CompleteSoon(self, first, error_code{}, size_t{0});
  size_t got = 0;
  ERR_clear_error();
  const int r = SSL_read_ex(s.ssl_, into.data(), into.size(), &got);
  if (r == 1) return CompleteSoon(self, first, error_code{}, got);
  int kind = SSL_ERROR_NONE;
  ec = s.ErrorOf(r, kind);
  if (kind == SSL_ERROR_WANT_READ) {
    return s.next_.async_read_some(boost::asio::buffer(s.ReadChunk()), std::move(self));
  }
  CompleteSoon(self, first, ec, size_t{0});
}

template <class ConstBuffers>
template <class Self>
void LeanTlsStream::WriteOp<ConstBuffers>::operator()(Self& self, error_code ec, size_t n) {
  if (started) {
    if (ec) return self.complete(ec, size_t{0});
    return self.complete(error_code{}, taken);
  }
  started = true;
  boost::asio::const_buffer parts[8];
  size_t count = 0;
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers) && count < std::size(parts); ++it) {
    boost::asio::const_buffer b(*it);
    if (b.size() > 0) parts[count++] = b;
  }
  if (count == 0) return CompleteSoon(self, true, error_code{}, size_t{0});
  taken = s.Encrypt(parts, count, ec);
  if (ec) return CompleteSoon(self, true, ec, size_t{0});
  s.TakeOutput(out);
  boost::asio::async_write(s.next_, boost::asio::buffer(out), std::move(self));
}

template <class Self>
void LeanTlsStream::ShutdownOp::operator()(Self& self, error_code ec, size_t n) {
  if (started) return self.complete(ec);
  started = true;
  if (!s.shut_down_) {
    s.shut_down_ = true;
    ERR_clear_error();
    SSL_shutdown(s.ssl_);  // queues close_notify; the peer's is not awaited
  }
  if (!s.TakeOutput(out)) return CompleteSoon(self, true, error_code{});
  boost::asio::async_write(s.next_, boost::asio::buffer(out), std::move(self));
}

// Beast's WebSocket closes the TLS layer, then the TCP one (found by ADL).
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, LeanTlsStream& stream, TeardownHandler&& handler) {
  stream.async_shutdown(boost::asio::bind_executor(
      stream.get_executor(), [&stream, role, h = std::forward<TeardownHandler>(handler)](boost::system::error_code) mutable {
        boost::beast::websocket::async_teardown(role, stream.next_layer().socket(), std::move(h));
      }));
}
void teardown(boost::beast::role_type role, LeanTlsStream& stream, boost::system::error_code& ec);

}  // namespace chime::server
