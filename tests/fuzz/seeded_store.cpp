#include "tests/fuzz/seeded_store.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "api/service_config.hpp"

namespace chime::fuzz {

using nlohmann::json;

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Seeding must succeed: a harness that silently seeds nothing would fuzz only
// the "not found" paths.
std::string SeededStore::Call(const std::string& method, const std::string& target, const std::string& body,
                              const std::string& bearer, const char* field) {
  api::HttpRequest req;
  req.method = method;
  req.target = target;
  if (!bearer.empty()) req.headers.emplace_back("x-amz-chime-bearer", bearer);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body;
  api::HttpResponse res = dispatcher_->Handle(req);
  json reply = json::parse(res.body, nullptr, false);
  if (res.status / 100 != 2 || !reply.is_object() || !reply.contains(field)) {
    std::fprintf(stderr, "seeding failed: %s %s -> %d %s\n", method.c_str(), target.c_str(), res.status,
                 res.body.c_str());
    std::abort();
  }
  return reply[field].is_string() ? reply[field].get<std::string>() : reply[field].dump();
}

SeededStore::SeededStore() {
  db_ = storage::Database::Open(":memory:");
  dispatcher_ = std::make_unique<api::Dispatcher>(api::ServiceConfig{}, *db_);

  app_ = Call("POST", "/app-instances", json{{"Name", "fuzz"}, {"ClientRequestToken", "seed-app"}}.dump(), "",
              "AppInstanceArn");
  auto user = [&](const char* id) {
    return Call("POST", "/app-instance-users",
                json{{"AppInstanceArn", app_}, {"AppInstanceUserId", id}, {"Name", id},
                     {"ClientRequestToken", std::string("seed-") + id}}
                    .dump(),
                "", "AppInstanceUserArn");
  };
  admin_ = user("admin");
  user_ = user("member");
  Call("POST", "/app-instances/" + PercentEncode(app_) + "/admins", json{{"AppInstanceAdminArn", admin_}}.dump(), "",
       "AppInstanceAdmin");
  json lex = {{"Lex",
               {{"LexBotAliasArn", "arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/ABCDEFGHIJ"},
                {"LocaleId", "en_US"},
                {"RespondsTo", "STANDARD_MESSAGES"}}}};
  bot_ = Call("POST", "/app-instance-bots",
              json{{"AppInstanceArn", app_}, {"Name", "bot"}, {"ClientRequestToken", "seed-bot"}, {"Configuration", lex}}
                  .dump(),
              "", "AppInstanceBotArn");
  channel_ = Call("POST", "/channels",
                  json{{"AppInstanceArn", app_},
                       {"Name", "general"},
                       {"ClientRequestToken", "seed-channel"},
                       {"MemberArns", {user_}}}
                      .dump(),
                  admin_, "ChannelArn");
  message_ = Call("POST", "/channels/" + PercentEncode(channel_) + "/messages",
                  json{{"Content", "hello"}, {"Type", "STANDARD"}, {"Persistence", "PERSISTENT"},
                       {"ClientRequestToken", "seed-message"}}
                      .dump(),
                  user_, "MessageId");
  endpoint_ = Call("POST", "/app-instance-users/" + PercentEncode(user_) + "/endpoints",
                   json{{"Type", "APNS"},
                        {"ResourceArn", "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef"},
                        {"EndpointAttributes", {{"DeviceToken", "seed-device"}}},
                        {"ClientRequestToken", "seed-endpoint"}}
                       .dump(),
                   "", "EndpointId");

  labels_ = {{"appInstanceArn", app_},       {"appInstanceAdminArn", admin_}, {"appInstanceUserArn", user_},
             {"appInstanceBotArn", bot_},    {"channelArn", channel_},        {"memberArn", user_},
             {"channelModeratorArn", admin_}, {"messageId", message_},        {"endpointId", endpoint_},
             {"channelFlowArn", app_ + "/channel-flow/none"}};
  placeholders_ = {{"${app}", app_},         {"${admin}", admin_},     {"${user}", user_},
                   {"${bot}", bot_},         {"${channel}", channel_}, {"${message}", message_},
                   {"${endpoint}", endpoint_}};
}

const std::string& SeededStore::Label(std::string_view name) const {
  static const std::string kUnknown = "x";
  auto it = labels_.find(name);
  return it == labels_.end() ? kUnknown : it->second;
}

std::string SeededStore::Expand(std::string_view text) const {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    auto it = placeholders_.find(text.substr(open, close - open + 1));
    if (it != placeholders_.end()) {
      out += it->second;
    } else {
      out.append(text.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace chime::fuzz
