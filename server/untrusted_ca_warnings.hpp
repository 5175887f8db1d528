// UntrustedCaWarnings: a browser that does not trust the emulator's certificate
// fails the TLS handshake in silence on its side (Chromium: the messaging
// session stays "connecting"), so the emulator says it once per client address
// at warn, with how to trust the CA. Beast-free; thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace chime::server {

// True for the TLS alerts a client sends when it does not trust the
// certificate chain (unknown CA, bad certificate, certificate unknown), given
// the OpenSSL error reason of a failed handshake.
bool IsUntrustedCertificateReason(int openssl_reason);

class UntrustedCaWarnings {
 public:
  // At most this many addresses are remembered; after that every address is
  // "already warned" (the log must stay bounded too).
  static constexpr size_t kMaxAddresses = 1024;

  // True the first time for `address`.
  bool FirstFor(const std::string& address);

  // The warning: who failed, why, and how to trust `ca_file` (empty: a user's
  // own --tls-cert, whose issuer the client must trust).
  static std::string Message(const std::string& address, const std::string& reason, const std::string& ca_file);

 private:
  std::mutex mu_;
  std::set<std::string> warned_;
};

}  // namespace chime::server
