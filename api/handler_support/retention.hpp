// AppInstance message retention as the message reads apply it: a message
// created more than RetentionDays ago no longer exists for GetChannelMessage,
// ListChannelMessages and the other per-message operations (checked at read
// time, so it is exact whatever the clock does between requests);
// PutAppInstanceRetentionSettings also deletes the rows already past it.
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "api/common/days.hpp"
#include "api/handler.hpp"
#include "storage/retention_repo.hpp"

namespace chime::api {

// Epoch ms before which messages of `app_instance_arn` are past retention;
// INT64_MIN when the app instance keeps messages forever (or for so many days
// that the start lies before the int64 range).
inline int64_t RetainedSinceMs(RequestContext& ctx, const std::string& app_instance_arn) {
  auto r = storage::FindRetention(ctx.db, app_instance_arn);
  if (!r || !r->days) return INT64_MIN;
  return MinusDaysMs(ctx.now_ms, *r->days);
}

}  // namespace chime::api
