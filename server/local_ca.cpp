#include "server/local_ca.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "api/common/ids.hpp"

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

// Written to a temporary name, then renamed: a concurrent start reads the old
// file or the new one, never half of one.
void WriteFile(const fs::path& path, const std::string& text, bool secret) {
  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) Fail("cannot write " + tmp.string());
    if (secret) {
      std::error_code ec;
      fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
    }
    f << text;
    f.close();
    if (!f) Fail("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) Fail("cannot write " + path.string() + ": " + ec.message());
}

std::string ReadFile(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

bool Readable(const fs::path& path) {
  std::ifstream f(path);
  return f.good() && f.peek() != std::ifstream::traits_type::eof();
}

void GenerateCa(const fs::path& dir) {
  KeyPtr ca_key = NewKey();
  CertPtr ca = NewCert(ca_key.get(), "chime-local development CA", 3650);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  AddExt(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  AddExt(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExt(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  if (!X509_sign(ca.get(), ca_key.get(), EVP_sha256())) Fail("cannot sign the CA certificate");
  WriteFile(dir / "ca-key.pem", KeyPem(ca_key.get()), true);
  WriteFile(dir / "ca.pem", CertPem(ca.get()), false);
}

void GenerateServer(const fs::path& dir, const std::string& alt_names, const fs::path& cert_path,
                    const fs::path& key_path) {
  const std::string ca_pem = ReadFile(dir / "ca.pem");
  const std::string ca_key_pem = ReadFile(dir / "ca-key.pem");
  BIO* cert_bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  CertPtr ca(PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr));
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new_mem_buf(ca_key_pem.data(), static_cast<int>(ca_key_pem.size()));
  KeyPtr ca_key(PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr));
  BIO_free(key_bio);
  if (!ca || !ca_key) Fail("cannot read the CA in " + dir.string() + " (delete the directory to make a new one)");

  KeyPtr key = NewKey();
  // 825 days: the longest validity macOS/iOS accept for a server certificate.
  CertPtr cert = NewCert(key.get(), "localhost", 825);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  AddExt(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExt(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  AddExt(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  AddExt(cert.get(), ca.get(), NID_subject_alt_name, alt_names.c_str());
  AddExt(cert.get(), ca.get(), NID_subject_key_identifier, "hash");
  AddExt(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (!X509_sign(cert.get(), ca_key.get(), EVP_sha256())) Fail("cannot sign the server certificate");
  WriteFile(key_path, KeyPem(key.get()), true);
  WriteFile(cert_path, CertPem(cert.get()), false);
}

bool IsIpLiteral(const std::string& name, bool& v6) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, name.c_str(), buf) == 1) return !(v6 = false);
  if (inet_pton(AF_INET6, name.c_str(), buf) == 1) return (v6 = true);
  return false;
}

bool IsDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '*';
  });
}

// Holds an exclusive lock on dir/.lock while certificates are checked and made.
class DirectoryLock {
 public:
  explicit DirectoryLock(const fs::path& dir) {
    fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);  // no lock (a read-only dir): generation still writes atomically
  }
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

std::string SubjectAltNames(const std::vector<std::string>& extra_names) {
  std::vector<std::string> names = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  for (std::string name : extra_names) {
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    bool v6 = false;
    std::string entry;
    if (IsIpLiteral(name, v6)) {
      entry = "IP:" + name;
    } else if (IsDnsName(name)) {
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      entry = "DNS:" + name;
    } else {
      throw std::invalid_argument("'" + name + "' is not a host name or an IP address");
    }
    if (std::find(names.begin(), names.end(), entry) == names.end()) names.push_back(entry);
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

TlsFiles EnsureLocalCertificates(const fs::path& dir, const std::vector<std::string>& extra_names) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) Fail("cannot create " + dir.string() + ": " + ec.message());
  const std::string alt_names = SubjectAltNames(extra_names);
  // The default names keep the file names of earlier versions; others get a
  // certificate of their own, so emulators with different names share the CA.
  const bool default_names = alt_names == SubjectAltNames({});
  // Appended, not "-" + std::string: GCC 12's -Wrestrict false positive.
  const std::string suffix = default_names ? "" : std::string("-").append(api::Sha256Hex(alt_names), 0, 12);
  TlsFiles files;
  files.ca_cert = (dir / "ca.pem").string();
  files.cert_chain = (dir / ("server" + suffix + ".pem")).string();
  files.private_key = (dir / ("server" + suffix + "-key.pem")).string();
  auto ready = [&] { return Readable(files.cert_chain) && Readable(files.private_key); };
  if (Readable(files.ca_cert) && Readable(dir / "ca-key.pem") && ready()) return files;

  DirectoryLock lock(dir);  // another start may be making them: wait, then look again
  if (!Readable(files.ca_cert) || !Readable(dir / "ca-key.pem")) {
    GenerateCa(dir);
    // Every server certificate of the old CA is now wrong.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("server", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".pem") {
        fs::remove(entry.path(), ec);
      }
    }
    files.created = true;
  }
  if (!ready()) {
    GenerateServer(dir, alt_names, files.cert_chain, files.private_key);
    files.created = true;
  }
  return files;
}

}  // namespace chime::server
