#include "server/lean_tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <stdexcept>

namespace chime::server {

namespace asio = boost::asio;

LeanTlsStream::LeanTlsStream(next_layer_type& next, asio::ssl::context& context) : next_(next) {
  ssl_ = SSL_new(context.native_handle());
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  if (!ssl_ || !in_ || !out_) {
    BIO_free(in_);
    BIO_free(out_);
    SSL_free(ssl_);
    throw std::runtime_error("cannot make a TLS connection: out of memory");
  }
  BIO_set_mem_eof_return(in_, -1);  // empty means "wait for more", not end of stream
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_accept_state(ssl_);
}

LeanTlsStream::~LeanTlsStream() { SSL_free(ssl_); }

void LeanTlsStream::Feed(const void* data, size_t n) {
  if (n > 0) BIO_write(in_, data, static_cast<int>(n));
}

bool LeanTlsStream::TakeOutput(std::vector<char>& out) {
  const size_t pending = BIO_ctrl_pending(out_);
  if (pending == 0) return false;
  out.resize(pending);
  BIO_read(out_, out.data(), static_cast<int>(pending));
  return true;
}

LeanTlsStream::error_code LeanTlsStream::ErrorOf(int result, int& kind) {
  kind = SSL_get_error(ssl_, result);
  switch (kind) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return {};
    case SSL_ERROR_ZERO_RETURN:
      return asio::error::eof;  // the peer's close_notify
    default: {
      const unsigned long e = ERR_get_error();
      if (e == 0) return asio::ssl::error::stream_truncated;
      return error_code(static_cast<int>(e), asio::error::get_ssl_category());
    }
  }
}

size_t LeanTlsStream::Encrypt(const asio::const_buffer* parts, size_t count, error_code& ec) {
  // One record for what fits in one (a WebSocket frame's header and payload).
  thread_local std::vector<char> scratch;
  const void* data = parts[0].data();
  size_t size = std::min(parts[0].size(), kMaxPlaintextRecord);
  if (count > 1 && size < kMaxPlaintextRecord) {
    scratch.clear();
    for (size_t i = 0; i < count && scratch.size() < kMaxPlaintextRecord; ++i) {
      const size_t take = std::min(parts[i].size(), kMaxPlaintextRecord - scratch.size());
      const char* p = static_cast<const char*>(parts[i].data());
      scratch.insert(scratch.end(), p, p + take);
    }
    data = scratch.data();
    size = scratch.size();
  }
  size_t written = 0;
  ERR_clear_error();
  const int r = SSL_write_ex(ssl_, data, size, &written);
  if (r != 1) {
    int kind = SSL_ERROR_NONE;
    ec = ErrorOf(r, kind);
    if (!ec) ec = asio::error::fault;  // a memory BIO never asks to wait
    return 0;
  }
  if (scratch.capacity() > 4 * kMaxPlaintextRecord) std::vector<char>().swap(scratch);
  return written;
}

std::vector<char>& LeanTlsStream::ReadChunk() {
  if (chunk_.empty()) chunk_.resize(kReadChunk);
  return chunk_;
}

void teardown(boost::beast::role_type role, LeanTlsStream& stream, boost::system::error_code& ec) {
  ERR_clear_error();
  SSL_shutdown(stream.native_handle());
  std::vector<char> out;
  const size_t pending = BIO_ctrl_pending(SSL_get_wbio(stream.native_handle()));
  if (pending > 0) {
    out.resize(pending);
    BIO_read(SSL_get_wbio(stream.native_handle()), out.data(), static_cast<int>(pending));
    asio::write(stream.next_layer().socket(), asio::buffer(out), ec);
  }
  boost::beast::websocket::teardown(role, stream.next_layer().socket(), ec);
}

}  // namespace chime::server
