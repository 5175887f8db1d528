#include "server/ca_location.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace chime::server {

namespace fs = std::filesystem;

namespace {

// The host part of --public-host (host, host:port, [v6] or [v6]:port).
std::string HostOfPublicHost(const std::string& public_host) {
  if (public_host.empty()) return {};
  if (public_host.front() == '[') return public_host.substr(0, public_host.find(']') + 1);
  const size_t colon = public_host.find(':');
  // More than one colon: a bare IPv6 literal without a port.
  if (colon != std::string::npos && public_host.find(':', colon + 1) == std::string::npos) {
    return public_host.substr(0, colon);
  }
  return public_host;
}

bool Writable(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return false;
  const fs::path probe = dir / ".write-probe";
  FILE* f = std::fopen(probe.c_str(), "w");
  if (!f) return false;
  std::fclose(f);
  fs::remove(probe, ec);
  return true;
}

bool HasCa(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "ca.pem", ec) && fs::exists(dir / "ca-key.pem", ec);
}

fs::path MakeTempDirectory(const ServerConfig& config) {
  // The system temp dir, else (a FROM scratch container has no writable /tmp)
  // the data directory; removed at exit either way.
  std::vector<fs::path> bases;
  std::error_code ec;
  if (auto tmp = fs::temp_directory_path(ec); !ec) bases.push_back(tmp);
  if (!config.read_only && !config.InMemory()) bases.push_back(config.data_dir);
  for (const auto& base : bases) {
    fs::create_directories(base, ec);
    std::string pattern = (base / "chime-local-tls-XXXXXX").string();
    if (mkdtemp(pattern.data())) return pattern;
  }
  throw std::runtime_error(
      "cannot create a directory for the TLS CA (give --ca-dir DIR, set HOME or TMPDIR to a writable directory, "
      "or give --tls-cert/--tls-key)");
}

}  // namespace

std::optional<fs::path> UserCaDirectory() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && xdg[0] == '/') {
    return fs::path(xdg) / "chime-local" / "ca";
  }
  if (const char* home = std::getenv("HOME"); home && home[0] == '/' && std::string_view(home) != "/") {
    return fs::path(home) / ".local" / "share" / "chime-local" / "ca";
  }
  return std::nullopt;
}

TlsFiles ResolveTls(const ServerConfig& config, const fs::path& data_dir, fs::path& temp_dir) {
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      throw std::runtime_error("--tls-cert and --tls-key must be given together");
    }
    return {"", config.tls_cert, config.tls_key, false};
  }
  std::vector<std::string> names = config.tls_sans;
  if (std::string host = HostOfPublicHost(config.public_host); !host.empty()) names.push_back(host);

  fs::path dir;
  if (!config.ca_dir.empty()) {
    dir = config.ca_dir;
  } else if (!config.read_only && !data_dir.empty() && HasCa(data_dir / "tls")) {
    dir = data_dir / "tls";  // a store made by an earlier version keeps the CA its users trust
  } else if (auto user = UserCaDirectory(); user && Writable(*user)) {
    dir = *user;
  } else if (!config.read_only && !data_dir.empty()) {
    dir = data_dir / "tls";  // no home (a container): the store's directory keeps it
  } else {
    temp_dir = dir = MakeTempDirectory(config);
  }
  try {
    return EnsureLocalCertificates(dir, names);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("invalid --tls-san or --public-host: ") + e.what());
  }
}

}  // namespace chime::server
