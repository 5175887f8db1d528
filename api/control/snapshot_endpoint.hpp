// /_chime-local/snapshot: GET answers the bytes of a SQLite database file
// holding the whole store (one consistent state, also under write load); PUT
// replaces the whole store with such a file, atomically (storage/snapshot.hpp).
// What is not in the database stays as it is: fault rules, the journal and
// the test clock are fixture state, not data.
#pragma once

#include <string>
#include <string_view>

#include "api/control/control_plane.hpp"

namespace chime::api {

ControlRequest HandleSnapshot(const HttpRequest& request, std::string_view path, StreamingDirectory* streaming,
                              const std::string& request_id);

}  // namespace chime::api
