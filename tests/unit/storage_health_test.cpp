// Issue 9 defect 4: /_chime-local/health tells the truth about storage.
#include "api/control/storage_health.hpp"
#include "api/control/fixture.hpp"

#include <gtest/gtest.h>

#include "storage/inline_pipeline.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::api {
namespace {

// Each test's dispatcher has a Fixture of its own: health starts "ok".
class StorageHealthTest : public chime::testing::ApiFixture {};

TEST_F(StorageHealthTest, OkUntilAStorageErrorIsRecorded) {
  auto ok = Call("GET", "/_chime-local/health");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body["status"], "ok");
  EXPECT_EQ(ok.body["storageErrors"], 0);
  EXPECT_EQ(ok.body["readOnly"], false);
  EXPECT_FALSE(ok.body.contains("lastStorageError"));

  dispatcher_->fixture().RecordStorageError("SendChannelMessage", "disk I/O error: database or disk is full");
  dispatcher_->fixture().RecordStorageError("CreateChannel", "database disk image is malformed");
  auto degraded = Call("GET", "/_chime-local/health");
  EXPECT_EQ(degraded.status, 503);
  EXPECT_EQ(degraded.body["status"], "degraded");
  EXPECT_EQ(degraded.body["storageErrors"], 2);
  EXPECT_EQ(degraded.body["lastStorageError"]["message"], "database disk image is malformed");
  EXPECT_EQ(degraded.body["lastStorageError"]["operation"], "CreateChannel");
  EXPECT_TRUE(degraded.body["lastStorageError"]["time"].is_number());
}

// --read-only: the dispatcher refuses every write (from the operation table's
// access attribute and the control rows') before storage; reads pass.
TEST_F(StorageHealthTest, ReadOnlyIsReportedAndWritesAreRefused) {
  storage::InlinePipeline pipeline(*db_);
  Dispatcher read_only(ServiceConfig{}, pipeline, StorageInfo{true, true});
  auto call = [&](std::string method, std::string target, std::string body = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    return read_only.Handle(r);
  };
  auto health = call("GET", "/_chime-local/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body)["readOnly"], true);

  auto refused = call("POST", "/app-instances", R"({"Name":"a","ClientRequestToken":"t"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("--read-only"), std::string::npos);
  EXPECT_NE(refused.body.find("CreateAppInstance"), std::string::npos);
  EXPECT_EQ(call("POST", "/_chime-local/reset").status, 403);
  EXPECT_EQ(call("POST", "/_chime-local/seed", "{}").status, 403);
  EXPECT_EQ(call("PUT", "/_chime-local/snapshot", "x").status, 403);
  EXPECT_EQ(call("GET", "/app-instances").status, 200);  // reads pass
  EXPECT_NE(call("POST", "/channels?operation=search", "{}").status, 403);  // SearchChannels reads
  EXPECT_EQ(call("POST", "/_chime-local/clock", R"({"advanceSeconds": 1})").status, 200);
  EXPECT_EQ(call("POST", "/_chime-local/clock", R"({"reset": true})").status, 200);
  EXPECT_EQ(call("POST", "/no-such-path").status, 404);  // the router answers
  EXPECT_EQ(Call("GET", "/app-instances").body["AppInstances"].size(), 0u);  // nothing was created
}

}  // namespace
}  // namespace chime::api
