#include "api/common/ids.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <openssl/crypto.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace chime::api {

namespace {
constexpr char kHex[] = "0123456789abcdef";

// OpenSSL's CSPRNG, drawn 4 KiB at a time into a per-thread buffer: one
// RAND_bytes call per ~85 sends instead of two per send (its per-call locking
// and DRBG setup were ~4 % of a send). The bytes are the same CSPRNG output, so
// ids stay unpredictable. The buffer is not shared across fork(); chime-local
// never forks.
void Random(unsigned char* out, size_t n) {
  constexpr size_t kPool = 4096;
  thread_local unsigned char pool[kPool];
  thread_local size_t used = kPool;
  if (n > kPool) throw std::runtime_error("Random: request too large");
  if (kPool - used < n) {
    if (RAND_bytes(pool, static_cast<int>(kPool)) != 1) throw std::runtime_error("RAND_bytes failed");
    used = 0;
  }
  std::memcpy(out, pool + used, n);
  OPENSSL_cleanse(pool + used, n);  // handed-out bytes never stay behind
  used += n;
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}
}  // namespace

std::string NewUuid() {
  unsigned char b[16];
  Random(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string out(36, '-');
  size_t o = 0;
  for (size_t i = 0; i < sizeof b; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++o;  // the dashes
    out[o++] = kHex[b[i] >> 4];
    out[o++] = kHex[b[i] & 15];
  }
  return out;
}

std::string NewMessageId() {
  unsigned char b[32];
  Random(b, sizeof b);
  return Hex(b, sizeof b);
}

std::string Sha256Hex(std::string_view data) {
  // OpenSSL 3's one-shot SHA256() fetches the algorithm from the provider on
  // every call (~15k instructions for a 200-byte input); the algorithm is
  // fetched once and a context kept per thread.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1 || len != SHA256_DIGEST_LENGTH) {
    throw std::runtime_error("SHA-256 failed");
  }
  return Hex(digest, len);
}

}  // namespace chime::api
