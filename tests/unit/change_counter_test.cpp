// The inspector's change counter (Fixture::changes, GET /_chime-local/changes):
// it moves after a committed write, a journaled request and a change of
// fixture state, never for the page's own reads, so a polling page reloads
// only when something changed.
#include <gtest/gtest.h>

#include "api/control/fixture.hpp"
#include "api_fixture.hpp"

namespace chime::testing {
namespace {

class ChangeCounterTest : public ApiFixture {
 protected:
  uint64_t Changes() { return dispatcher_->fixture().changes(); }
};

TEST_F(ChangeCounterTest, MovesAfterWritesAndFixtureChangesNotAfterTheInspectorsReads) {
  uint64_t before = Changes();
  const std::string app = CreateAppInstance();
  EXPECT_GT(Changes(), before);

  before = Changes();
  for (const char* path : {"/_chime-local/changes", "/_chime-local/state/app-instances",
                           "/_chime-local/faults", "/_chime-local/sessions", "/_chime-local/ui"}) {
    EXPECT_EQ(Call("GET", path).status, 200) << path;
  }
  EXPECT_EQ(Changes(), before);

  EXPECT_EQ(Call("POST", "/_chime-local/faults", {{"error", "ConflictException"}}).status, 201);
  EXPECT_GT(Changes(), before);

  before = Changes();
  auto r = Call("GET", "/_chime-local/changes?after=" + std::to_string(before));
  EXPECT_EQ(r.body, (json{{"change", before}, {"changed", false}}));
  EXPECT_TRUE(Call("GET", "/_chime-local/changes?after=0").body["changed"]);
}

}  // namespace
}  // namespace chime::testing
