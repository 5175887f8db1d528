#include "server/local_ca.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace chime::server {

namespace {

namespace fs = std::filesystem;

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error("TLS certificate: " + what); }

KeyPtr NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) Fail("cannot generate an EC key");
  return key;
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) Fail(std::string("cannot build extension ") + OBJ_nid2sn(nid));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertPtr NewCert(EVP_PKEY* key, const char* common_name, long days) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("chime-local"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                             0);
  return cert;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

void WriteFile(const fs::path& path, const std::string& text, bool secret) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) Fail("cannot write " + path.string());
  f << text;
  f.close();
  if (secret) {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
  }
}

bool Readable(const fs::path& path) {
  std::ifstream f(path);
  return f.good() && f.peek() != std::ifstream::traits_type::eof();
}

void Generate(const fs::path& dir) {
  KeyPtr ca_key = NewKey();
  CertPtr ca = NewCert(ca_key.get(), "chime-local development CA", 3650);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  AddExt(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  AddExt(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExt(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  if (!X509_sign(ca.get(), ca_key.get(), EVP_sha256())) Fail("cannot sign the CA certificate");

  KeyPtr key = NewKey();
  // 825 days: the longest validity macOS/iOS accept for a server certificate.
  CertPtr cert = NewCert(key.get(), "localhost", 825);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  AddExt(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExt(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  AddExt(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  AddExt(cert.get(), ca.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  AddExt(cert.get(), ca.get(), NID_subject_key_identifier, "hash");
  AddExt(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (!X509_sign(cert.get(), ca_key.get(), EVP_sha256())) Fail("cannot sign the server certificate");

  WriteFile(dir / "ca-key.pem", KeyPem(ca_key.get()), true);
  WriteFile(dir / "ca.pem", CertPem(ca.get()), false);
  WriteFile(dir / "server-key.pem", KeyPem(key.get()), true);
  WriteFile(dir / "server.pem", CertPem(cert.get()), false);
}

}  // namespace

TlsFiles EnsureLocalCertificates(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) Fail("cannot create " + dir.string() + ": " + ec.message());
  TlsFiles files;
  files.ca_cert = (dir / "ca.pem").string();
  files.cert_chain = (dir / "server.pem").string();
  files.private_key = (dir / "server-key.pem").string();
  if (!Readable(files.ca_cert) || !Readable(files.cert_chain) || !Readable(files.private_key)) {
    Generate(dir);
    files.created = true;
  }
  return files;
}

}  // namespace chime::server
