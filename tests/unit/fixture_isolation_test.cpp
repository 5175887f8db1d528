// Two emulators in one process (two Dispatchers, each on its own in-memory
// database) share no test-fixture state: each has its own clock, fault rules,
// journal, throttling and storage health (api/control/fixture.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/dispatcher.hpp"
#include "storage/database.hpp"
#include "tests/unit/api_fixture.hpp"

namespace chime::testing {
namespace {

constexpr double kYearSeconds = 365.0 * 86400;

double RealNowSeconds() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() / 1000.0;
}

// One emulator: a Dispatcher and its database.
struct Emulator {
  std::unique_ptr<storage::Database> db = storage::Database::Open(":memory:");
  api::Dispatcher dispatcher{api::ServiceConfig{}, *db};
  int tokens = 0;

  Reply Call(const std::string& method, const std::string& target, const json& body = nullptr) {
    return CallDispatcher(dispatcher, method, target, body);
  }
  Reply CreateAppInstance() {
    std::string token = std::to_string(++tokens);
    token.insert(token.begin(), 't');  // not "t" + ...: GCC 12 warns of it, wrongly (-Wrestrict)
    return Call("POST", "/app-instances", {{"Name", "app"}, {"ClientRequestToken", token}});
  }
  // The CreatedTimestamp of a new app instance, in epoch seconds.
  double CreatedAt() {
    Reply created = CreateAppInstance();
    EXPECT_EQ(created.status, 201) << created.raw_body;
    Reply described = Call("GET", "/app-instances/" + Enc(created.body.value("AppInstanceArn", "")));
    EXPECT_EQ(described.status, 200) << described.raw_body;
    return described.body["AppInstance"]["CreatedTimestamp"].get<double>();
  }
};

TEST(FixtureIsolationTest, EachEmulatorHasItsOwnClock) {
  Emulator a, b;
  ASSERT_EQ(a.Call("POST", "/_chime-local/clock", {{"advanceSeconds", kYearSeconds}}).status, 200);

  Reply a_clock = a.Call("GET", "/_chime-local/clock");
  EXPECT_EQ(a_clock.body["offsetSeconds"], kYearSeconds);
  Reply b_clock = b.Call("GET", "/_chime-local/clock");
  ASSERT_EQ(b_clock.status, 200);
  EXPECT_EQ(b_clock.body["offsetSeconds"], 0);
  EXPECT_NEAR(b_clock.body["now"].get<double>(), RealNowSeconds(), 60);

  // What each creates carries its own clock's time.
  EXPECT_NEAR(b.CreatedAt(), RealNowSeconds(), 60);
  EXPECT_NEAR(a.CreatedAt(), RealNowSeconds() + kYearSeconds, 60);
}

TEST(FixtureIsolationTest, AFaultFiresOnlyInTheEmulatorThatHasIt) {
  Emulator a, b;
  ASSERT_EQ(a.Call("POST", "/_chime-local/faults", {{"operation", "CreateAppInstance"}, {"error", "ConflictException"}})
                .status,
            201);
  EXPECT_EQ(a.CreateAppInstance().error, "ConflictException");
  EXPECT_EQ(b.CreateAppInstance().status, 201);
  EXPECT_EQ(b.Call("GET", "/_chime-local/faults").body["faults"].size(), 0u);
}

TEST(FixtureIsolationTest, EachEmulatorJournalsOnlyItsOwnRequests) {
  Emulator a, b;
  ASSERT_EQ(a.CreateAppInstance().status, 201);
  EXPECT_EQ(a.Call("GET", "/_chime-local/requests").body["requests"].size(), 1u);
  EXPECT_EQ(b.Call("GET", "/_chime-local/requests").body["requests"].size(), 0u);
  ASSERT_EQ(b.Call("GET", "/app-instances").status, 200);
  Reply b_requests = b.Call("GET", "/_chime-local/requests");
  ASSERT_EQ(b_requests.body["requests"].size(), 1u);
  EXPECT_EQ(b_requests.body["requests"][0]["operation"], "ListAppInstances");
  EXPECT_EQ(a.Call("GET", "/_chime-local/requests").body["requests"].size(), 1u);
}

TEST(FixtureIsolationTest, ThrottlingIsEnabledPerEmulator) {
  Emulator a, b;
  ASSERT_EQ(a.Call("POST", "/_chime-local/throttle", {{"enabled", true}}).status, 200);
  EXPECT_EQ(a.Call("GET", "/_chime-local/throttle").body["enabled"], true);
  EXPECT_EQ(b.Call("GET", "/_chime-local/throttle").body["enabled"], false);
}

TEST(FixtureIsolationTest, AStorageErrorDegradesOnlyItsEmulator) {
  Emulator a, b;
  a.db->Exec("DROP TABLE app_instances");  // every statement on it now fails
  EXPECT_EQ(a.CreateAppInstance().status, 500);
  Reply a_health = a.Call("GET", "/_chime-local/health");
  EXPECT_EQ(a_health.status, 503);
  EXPECT_EQ(a_health.body["status"], "degraded");
  Reply b_health = b.Call("GET", "/_chime-local/health");
  EXPECT_EQ(b_health.status, 200);
  EXPECT_EQ(b_health.body["status"], "ok");
  EXPECT_EQ(b_health.body["storageErrors"], 0);
}

}  // namespace
}  // namespace chime::testing
