// Where the local CA of https:// and wss:// lives, so that trusting it once
// lasts: --ca-dir; else the CA of an existing store (<data dir>/tls/ca.pem,
// where earlier versions kept it); else one directory per user
// ($XDG_DATA_HOME/chime-local/ca, or ~/.local/share/chime-local/ca), shared by
// --in-memory, --read-only and every data directory; else (no usable home, e.g.
// a container without one) <data dir>/tls of a file store; else a temporary
// directory removed at exit.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "server/config.hpp"
#include "server/local_ca.hpp"

namespace chime::server {

// The per-user CA directory, or nothing when neither XDG_DATA_HOME nor HOME is
// set to an absolute path.
std::optional<std::filesystem::path> UserCaDirectory();

// The certificate of https:// and wss://: the user's own (--tls-cert and
// --tls-key), or the local CA's (see above) with a server certificate for
// localhost, 127.0.0.1, ::1, the --public-host name and every --tls-san.
// `temp_dir` is set when a temporary directory was made (the caller removes it
// at exit). Throws std::runtime_error.
TlsFiles ResolveTls(const ServerConfig& config, const std::filesystem::path& data_dir,
                    std::filesystem::path& temp_dir);

}  // namespace chime::server
