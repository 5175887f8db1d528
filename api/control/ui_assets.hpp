// The inspector page's files (api/control/ui/), embedded at build time by
// cmake/embed_assets.cmake into a generated .cpp: the binary serves them with
// no file system or network access.
#pragma once

#include <span>
#include <string_view>

namespace chime::api {

struct UiAsset {
  std::string_view name;  // path under api/control/ui/, e.g. "views/journal.mjs"
  std::string_view body;
};

std::span<const UiAsset> UiAssets();

}  // namespace chime::api
