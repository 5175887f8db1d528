// ApiFixture: drives the whole api/ pipeline (route, bind, validate, handle,
// encode) through Dispatcher::Handle on an in-memory database: no sockets.
// Requests are written the way botocore sends them (ARNs percent-encoded in
// the path, x-amz-chime-bearer header, JSON body).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/dispatcher.hpp"
#include "storage/database.hpp"

namespace chime::testing {

using nlohmann::json;

// Percent-encodes everything but unreserved characters, like botocore.
inline std::string Enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct Reply {
  int status = 0;
  json body;             // parsed JSON body (null when empty)
  std::string error;     // x-amzn-ErrorType, empty on success
  std::string raw_body;
};

// One request through `dispatcher` (synchronously), as an SDK would send it.
inline Reply CallDispatcher(api::Dispatcher& dispatcher, const std::string& method, const std::string& target,
                            const json& body = nullptr, const std::string& bearer = "") {
  api::HttpRequest req;
  req.method = method;
  req.target = target;
  if (!bearer.empty()) req.headers.emplace_back("x-amz-chime-bearer", bearer);
  if (!body.is_null()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body.dump();
  }
  api::HttpResponse res = dispatcher.Handle(req);
  Reply r;
  r.status = res.status;
  r.raw_body = res.body;
  if (!res.body.empty()) r.body = json::parse(res.body, nullptr, false);
  for (const auto& [k, v] : res.headers)
    if (k == "x-amzn-ErrorType") r.error = v;
  return r;
}

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::Open(":memory:");
    dispatcher_ = std::make_unique<api::Dispatcher>(api::ServiceConfig{}, *db_);
  }

  Reply Call(const std::string& method, const std::string& target, const json& body = nullptr,
             const std::string& bearer = "") {
    return CallDispatcher(*dispatcher_, method, target, body, bearer);
  }

  // Seeding helpers (each asserts success).
  std::string CreateAppInstance(const std::string& name = "app") {
    auto r = Call("POST", "/app-instances", {{"Name", name}, {"ClientRequestToken", NextToken()}});
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("AppInstanceArn", "");
  }
  std::string CreateUser(const std::string& app, const std::string& id, const std::string& name = "user") {
    auto r = Call("POST", "/app-instance-users",
                  {{"AppInstanceArn", app}, {"AppInstanceUserId", id}, {"Name", name}, {"ClientRequestToken", NextToken()}});
    EXPECT_EQ(r.status, 201) << r.raw_body;
    return r.body.value("AppInstanceUserArn", "");
  }
  std::string NextToken() { return "token-" + std::to_string(++token_counter_); }

  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<api::Dispatcher> dispatcher_;
  int token_counter_ = 0;
};

// An app instance with an AppInstanceAdmin and five users, for channel tests.
class ChannelCastFixture : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    app_ = CreateAppInstance("app");
    admin_ = CreateUser(app_, "admin", "Admin");
    owner_ = CreateUser(app_, "owner", "Owner");
    alice_ = CreateUser(app_, "alice", "Alice");
    bob_ = CreateUser(app_, "bob", "Bob");
    carol_ = CreateUser(app_, "carol", "Carol");
    auto r = Call("POST", "/app-instances/" + Enc(app_) + "/admins", {{"AppInstanceAdminArn", admin_}});
    ASSERT_EQ(r.status, 201) << r.raw_body;
  }

  std::string app_, admin_, owner_, alice_, bob_, carol_;
};

}  // namespace chime::testing
