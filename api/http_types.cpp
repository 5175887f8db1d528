#include "api/http_types.hpp"

#include <strings.h>

namespace chime::api {

const std::string* HttpRequest::FindHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return &v;
  }
  return nullptr;
}

}  // namespace chime::api
