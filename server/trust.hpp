// `chime-local trust [--uninstall] [--ca-dir DIR] [--user-only]`: installs the local CA
// (server/ca_location.hpp) where the user's browsers and tools look on Linux,
// so https:// and wss:// to the emulator work without certificate errors, and
// prints exactly what it did and how to undo it:
//   - the user's NSS databases (Chromium's ~/.pki/nssdb, created if missing, and
//     every Firefox profile) through `certutil` when it is installed (needs no root);
//   - the system store (/usr/local/share/ca-certificates + update-ca-certificates)
//     only when run as root, and not with --user-only;
//   - hints for what it cannot change (Node, Python, other systems).
// Commands run without a shell (fork + exec), so no path is ever interpreted.
#pragma once

namespace chime::server {

// argv[0] is "trust". Returns the process exit code (0 ok, 1 failed, 2 usage).
int RunTrust(int argc, char** argv);

}  // namespace chime::server
