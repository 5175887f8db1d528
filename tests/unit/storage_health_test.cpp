// Issue 9 defect 4: /_chime-local/health tells the truth about storage.
#include "api/common/storage_health.hpp"

#include <gtest/gtest.h>

#include "api/common/read_only_guard.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::api {
namespace {

class StorageHealthTest : public chime::testing::ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ResetStorageHealth();
  }
  void TearDown() override { ResetStorageHealth(); }
};

TEST_F(StorageHealthTest, OkUntilAStorageErrorIsRecorded) {
  auto ok = Call("GET", "/_chime-local/health");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body["status"], "ok");
  EXPECT_EQ(ok.body["storageErrors"], 0);
  EXPECT_EQ(ok.body["readOnly"], false);
  EXPECT_FALSE(ok.body.contains("lastStorageError"));

  RecordStorageError("SendChannelMessage", "disk I/O error: database or disk is full");
  RecordStorageError("CreateChannel", "database disk image is malformed");
  auto degraded = Call("GET", "/_chime-local/health");
  EXPECT_EQ(degraded.status, 503);
  EXPECT_EQ(degraded.body["status"], "degraded");
  EXPECT_EQ(degraded.body["storageErrors"], 2);
  EXPECT_EQ(degraded.body["lastStorageError"]["message"], "database disk image is malformed");
  EXPECT_EQ(degraded.body["lastStorageError"]["operation"], "CreateChannel");
  EXPECT_TRUE(degraded.body["lastStorageError"]["time"].is_number());
}

TEST_F(StorageHealthTest, ReadOnlyIsReportedAndWritesAreRefused) {
  SetStorageReadOnly(true);
  auto health = Call("GET", "/_chime-local/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["readOnly"], true);

  auto request = [](std::string method, std::string target) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    return r;
  };
  auto refused = RefuseWriteWhenReadOnly(request("POST", "/app-instances"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("--read-only"), std::string::npos);
  EXPECT_NE(refused->body.find("CreateAppInstance"), std::string::npos);
  EXPECT_TRUE(RefuseWriteWhenReadOnly(request("POST", "/_chime-local/reset")));
  EXPECT_TRUE(RefuseWriteWhenReadOnly(request("POST", "/_chime-local/seed")));
  EXPECT_FALSE(RefuseWriteWhenReadOnly(request("GET", "/app-instances?app-instance-arn=x")));
  EXPECT_FALSE(RefuseWriteWhenReadOnly(request("POST", "/channels?operation=search")));  // SearchChannels reads
  EXPECT_FALSE(RefuseWriteWhenReadOnly(request("GET", "/_chime-local/health")));
  EXPECT_FALSE(RefuseWriteWhenReadOnly(request("POST", "/no-such-path")));  // the router answers
}

}  // namespace
}  // namespace chime::api
