// SeededStore: an in-memory store behind the synchronous api::Dispatcher,
// seeded with one of each resource (app instance, admin, member, bot, channel,
// membership, message, endpoint) so that fuzzed requests reach the handlers
// instead of stopping at "does not exist". Used by the operation and HTTP
// framing targets. Seeding goes through Dispatcher::Handle like any request.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "api/dispatcher.hpp"
#include "storage/database.hpp"

namespace chime::fuzz {

class SeededStore {
 public:
  SeededStore();

  api::HttpResponse Handle(const api::HttpRequest& request) { return dispatcher_->Handle(request); }

  // Value of a path label ("channelArn", "messageId", ...) that names a seeded
  // resource; "x" for labels with no seeded value.
  const std::string& Label(std::string_view name) const;

  // Replaces the placeholders ${app} ${admin} ${user} ${bot} ${channel}
  // ${message} ${endpoint} with the seeded values, so committed seeds (made
  // before the random ids exist) can name real resources.
  std::string Expand(std::string_view text) const;

  const std::string& admin() const { return admin_; }
  const std::string& user() const { return user_; }

 private:
  std::string Call(const std::string& method, const std::string& target, const std::string& body,
                   const std::string& bearer, const char* field);

  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<api::Dispatcher> dispatcher_;
  std::string app_, admin_, user_, bot_, channel_, message_, endpoint_;
  std::map<std::string, std::string, std::less<>> labels_;
  std::map<std::string, std::string, std::less<>> placeholders_;
};

// Percent-encodes all but unreserved characters, as botocore does for labels.
std::string PercentEncode(std::string_view s);


}  // namespace chime::fuzz
