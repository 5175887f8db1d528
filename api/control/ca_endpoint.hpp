// GET /_chime-local/ca.pem: the local CA that https:// and wss:// clients must
// trust, so a test, a browser setup script or a container user gets it over
// HTTP instead of from a path on the emulator's file system (inside a
// container, for instance). Same-origin and cross-site rules as every other
// control read (the server's edge checks).
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

// 200 with the PEM (application/x-pem-file); 404 when the emulator serves a
// user's own --tls-cert (no local CA); 500 when the file cannot be read.
ControlRequest GetCaPem(const ControlCall& call);

}  // namespace chime::api
