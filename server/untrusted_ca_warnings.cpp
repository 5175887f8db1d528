#include "server/untrusted_ca_warnings.hpp"

#include <openssl/ssl.h>

namespace chime::server {

bool IsUntrustedCertificateReason(int openssl_reason) {
  return openssl_reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA || openssl_reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
         openssl_reason == SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN;
}

bool UntrustedCaWarnings::FirstFor(const std::string& address) {
  std::lock_guard lock(mu_);
  if (warned_.size() >= kMaxAddresses) return false;
  return warned_.insert(address).second;
}

std::string UntrustedCaWarnings::Message(const std::string& address, const std::string& reason,
                                         const std::string& ca_file) {
  std::string out = "a TLS client at " + address + " does not trust the emulator's certificate (" + reason + ")";
  if (ca_file.empty()) {
    return out + ": it must trust the issuer of --tls-cert";
  }
  return out + ": trust the CA once with `chime-local trust` (browsers; restart them after), or " +
         "NODE_EXTRA_CA_CERTS=" + ca_file + " for Node; CA: " + ca_file + " (also at GET /_chime-local/ca.pem)";
}

}  // namespace chime::server
