#include "server/trust.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "server/ca_location.hpp"
#include "server/local_ca.hpp"

namespace chime::server {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNickname = "chime-local development CA";
constexpr const char* kSystemCopy = "/usr/local/share/ca-certificates/chime-local.crt";

// Runs a program found on PATH with these arguments, its output discarded;
// its exit code, or -1 when it could not be run.
int Run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = dirs.find(':', start);
    const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (const char* sbin : {"/usr/sbin", "/sbin"}) {
    if (access((fs::path(sbin) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// Chromium's database, then every Firefox profile (deb and snap installs).
std::vector<fs::path> NssDatabases(const fs::path& home, bool& chromium_created) {
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path chromium = home / ".pki" / "nssdb";
  chromium_created = !fs::exists(chromium / "cert9.db", ec);
  out.push_back(chromium);
  for (const fs::path& root : {home / ".mozilla" / "firefox", home / "snap" / "firefox" / "common" / ".mozilla" / "firefox"}) {
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (fs::exists(entry.path() / "cert9.db", ec)) out.push_back(entry.path());
    }
  }
  return out;
}

int Usage() {
  std::fputs(
      "Usage: chime-local trust [--uninstall] [--ca-dir DIR] [--user-only]\n"
      "  Installs the emulator's local CA for the user's browsers (NSS databases, via certutil) and,\n"
      "  as root, the system store (not with --user-only); --uninstall removes it from the same places.\n",
      stderr);
  return 2;
}

}  // namespace

int RunTrust(int argc, char** argv) {
  bool uninstall = false;
  bool user_only = false;
  std::string ca_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--uninstall") {
      uninstall = true;
    } else if (arg == "--user-only") {
      user_only = true;
    } else if (arg == "--ca-dir" && i + 1 < argc) {
      ca_dir = argv[++i];
    } else if (arg.rfind("--ca-dir=", 0) == 0) {
      ca_dir = arg.substr(9);
    } else if (arg == "--help" || arg == "-h") {
      Usage();
      return 0;
    } else {
      std::fprintf(stderr, "chime-local trust: unknown argument '%s'\n", arg.c_str());
      return Usage();
    }
  }
  if (ca_dir.empty()) {
    if (const char* env = std::getenv("CHIME_LOCAL_CA_DIR"); env && *env) ca_dir = env;
  }
  if (ca_dir.empty()) {
    auto user = UserCaDirectory();
    if (!user) {
      std::fputs("chime-local trust: neither HOME nor XDG_DATA_HOME is set: give --ca-dir DIR\n", stderr);
      return 1;
    }
    ca_dir = user->string();
  }
  std::string ca_pem;
  if (!uninstall) {
    try {
      ca_pem = EnsureLocalCertificates(ca_dir).ca_cert;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "chime-local trust: %s\n", e.what());
      return 1;
    }
    std::printf("CA: %s\n", ca_pem.c_str());
  }

  int failures = 0;
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') {
    if (OnPath("certutil")) {
      bool created = false;
      for (const fs::path& db : NssDatabases(home, created)) {
        const std::string spec = "sql:" + db.string();
        if (uninstall) {
          std::error_code ec;
          if (!fs::exists(db / "cert9.db", ec)) continue;
          // certutil -D deletes one certificate of that nickname per call.
          int removed = 0;
          while (removed < 16 && Run({"certutil", "-D", "-d", spec, "-n", kNickname}) == 0) ++removed;
          std::printf("%s: %s\n", db.c_str(), removed ? "removed the chime-local CA" : "had no chime-local CA");
          continue;
        }
        if (created && db == fs::path(home) / ".pki" / "nssdb") {
          std::error_code ec;
          fs::create_directories(db, ec);
          if (Run({"certutil", "-N", "-d", spec, "--empty-password"}) != 0) {
            std::printf("%s: could not create the NSS database (certutil -N failed)\n", db.c_str());
            ++failures;
            continue;
          }
        }
        if (Run({"certutil", "-A", "-d", spec, "-t", "C,,", "-n", kNickname, "-i", ca_pem}) == 0) {
          std::printf("%s: trusted for websites (Chromium, Chrome%s)\n", db.c_str(),
                      db.string().find("firefox") != std::string::npos ? "; this Firefox profile" : ", Edge");
        } else {
          std::printf("%s: certutil -A failed\n", db.c_str());
          ++failures;
        }
      }
    } else {
      std::printf(
          "certutil not found: browsers were not changed. Install it (Debian/Ubuntu: apt-get install "
          "libnss3-tools; Fedora: dnf install nss-tools) and run chime-local trust again.\n");
    }
  }

  if (user_only) {
    if (!uninstall) std::printf("system store: not changed (--user-only)\n");
  } else if (geteuid() == 0 && OnPath("update-ca-certificates") && fs::is_directory(fs::path(kSystemCopy).parent_path())) {
    std::error_code ec;
    if (uninstall) {
      const bool had = fs::remove(kSystemCopy, ec);
      if (had) Run({"update-ca-certificates", "--fresh"});
      const std::string what = had ? "removed " + std::string(kSystemCopy) + " (update-ca-certificates)"
                                   : std::string("had no chime-local CA");
      std::printf("system store: %s\n", what.c_str());
    } else if (fs::copy_file(ca_pem, kSystemCopy, fs::copy_options::overwrite_existing, ec) &&
               Run({"update-ca-certificates"}) == 0) {
      std::printf("system store: %s (update-ca-certificates): curl, wget, Python's ssl\n", kSystemCopy);
    } else {
      std::printf("system store: could not install %s\n", kSystemCopy);
      ++failures;
    }
  } else if (!uninstall) {
    std::printf("system store: not changed (needs root): sudo cp %s %s && sudo update-ca-certificates\n",
                ca_pem.c_str(), kSystemCopy);
  }

  if (uninstall) {
    std::printf("The CA itself stays in %s (delete it to make a new one at the next start).\n", ca_dir.c_str());
  } else {
    std::printf(
        "Node.js: NODE_EXTRA_CA_CERTS=%s   boto3/AWS CLI over https: AWS_CA_BUNDLE=%s\n"
        "Restart the browser if it was open. Undo: chime-local trust --uninstall\n",
        ca_pem.c_str(), ca_pem.c_str());
  }
  return failures ? 1 : 0;
}

}  // namespace chime::server
