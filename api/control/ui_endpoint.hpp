// GET /_chime-local/ui and /_chime-local/ui/<file>: the inspector page
// (docs/inspector.md), a few plain ES modules embedded in the binary
// (ui_assets.hpp), served with a Content-Security-Policy that allows this
// origin only: no inline script or style, no other host.
#pragma once

#include "api/control/control_plane.hpp"

namespace chime::api {

ControlRequest ServeUi(const ControlCall& call);

}  // namespace chime::api
