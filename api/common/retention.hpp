// AppInstance message retention as the message reads apply it: a message
// created more than RetentionDays ago no longer exists for GetChannelMessage,
// ListChannelMessages and the other per-message operations (checked at read
// time, so it is exact whatever the clock does between requests);
// PutAppInstanceRetentionSettings also deletes the rows already past it.
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "api/handler.hpp"
#include "storage/retention_repo.hpp"

namespace chime::api {

constexpr int64_t kMsPerDay = 24LL * 60 * 60 * 1000;

// Epoch ms before which messages of `app_instance_arn` are past retention;
// INT64_MIN when the app instance keeps messages forever.
inline int64_t RetainedSinceMs(RequestContext& ctx, const std::string& app_instance_arn) {
  auto r = storage::FindRetention(ctx.db, app_instance_arn);
  if (!r || !r->days) return INT64_MIN;
  return ctx.now_ms - *r->days * kMsPerDay;
}

}  // namespace chime::api
