// Memberships of elastic channels in the store (schema v5): a moderator may
// hold one membership per sub-channel, a store of version 4 is carried over,
// and a snapshot with a moderator in two sub-channels round-trips.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "storage/channel_repo.hpp"
#include "storage/client_token_keys.hpp"
#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/snapshot.hpp"
#include "storage/transaction.hpp"
#include "unit/temp_db_file.hpp"

namespace chime::storage {
namespace {

const std::string kApp =
    "arn:aws:chime:us-east-1:123456789012:app-instance/11111111-1111-4111-8111-111111111111";
const std::string kChannel = kApp + "/channel/elastic";
const std::string kPlain = kApp + "/channel/plain";
const std::string kMod = kApp + "/user/mod";
const std::string kUser = kApp + "/user/u1";

// The app instance, two users, an elastic and a standard channel, `kMod` moderating the elastic
// one.
std::string Fixture() {
  return "INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES ('" + kApp +
         "', 'a', 1, 1);"
         "INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) VALUES ('" +
         kMod + "', '" + kApp + "', 'user', 1, 1), ('" + kUser + "', '" + kApp +
         "', 'user', 1, 1);"
         "INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, created_by_arn, "
         "created_ms, updated_ms,"
         " elastic_max_sub_channels, elastic_target_memberships, elastic_min_membership_pct) "
         "VALUES ('" +
         kChannel + "', '" + kApp + "', 'e', 'RESTRICTED', 'PRIVATE', '" + kMod +
         "', 1, 1, 3, 4, 40), ('" + kPlain + "', '" + kApp + "', 'p', 'RESTRICTED', 'PRIVATE', '" +
         kMod +
         "', 1, 1, NULL, NULL, NULL);"
         "INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) "
         "VALUES ('" +
         kChannel + "', '" + kMod + "', '" + kMod + "', 1);";
}

MembershipRecord Membership(const std::string& channel, const std::string& member,
                            std::optional<std::string> sub) {
  MembershipRecord m;
  m.channel_arn = channel;
  m.member_arn = member;
  m.type = "DEFAULT";
  m.invited_by_arn = kMod;
  m.sub_channel_id = std::move(sub);
  m.created_ms = m.updated_ms = 1;
  return m;
}

TEST(ElasticMembershipStoreTest, AVersionFourStoreIsCarriedOverAndTakesAModeratorInTwoSubChannels) {
  TempDbFile file;
  {
    // A file as schema version 4 left it: UNIQUE (channel_arn, member_arn).
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file.path().c_str(), &raw), SQLITE_OK);
    RegisterTokenKeyFunctions(raw);  // version 3's carry-over uses them
    std::string sql;
    for (const Migration& m : AllMigrations())
      if (m.version <= 4) sql += std::string(m.sql);
    sql += "PRAGMA user_version = 4;";
    sql += Fixture();
    sql +=
        "INSERT INTO channel_memberships (id, channel_arn, member_arn, type, invited_by_arn, "
        "sub_channel_id, "
        "read_marker_ms, created_ms, updated_ms) VALUES (7, '" +
        kChannel + "', '" + kMod + "', 'DEFAULT', 'x', '1', 5, 1, 1), (9, '" + kPlain + "', '" +
        kUser + "', 'DEFAULT', 'x', NULL, 6, 1, 1);";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
    // Before the upgrade the second sub-channel is refused: what version 5 changes.
    const std::string second =
        "INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, "
        "sub_channel_id, created_ms, updated_ms) VALUES ('" +
        kChannel + "', '" + kMod + "', 'DEFAULT', 'x', '2', 1, 1)";
    EXPECT_EQ(sqlite3_exec(raw, second.c_str(), nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
    sqlite3_close(raw);
  }
  auto db = Database::Open(file.path());
  Transaction tx(*db, Transaction::Mode::kWrite);
  auto st = db->Prepare("PRAGMA user_version");
  st.Step();
  EXPECT_EQ(st.Int(0), LatestSchemaVersion());
  auto kept = FindMembership(*db, kChannel, kMod);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->id, 7);  // ids carried over: paging tokens stay valid
  EXPECT_EQ(kept->read_marker_ms, 5);
  ASSERT_TRUE(FindMembership(*db, kPlain, kUser));

  InsertMembership(*db, Membership(kChannel, kMod, "2"));
  auto both = ListMembershipsInChannel(*db, kChannel, kMod);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].sub_channel_id, "2");
  EXPECT_TRUE(FindMembershipIn(*db, kChannel, kMod, "2"));
  // Still one membership per sub-channel, and one outside elastic channels.
  EXPECT_THROW(InsertMembership(*db, Membership(kChannel, kMod, "2")), ConstraintError);
  EXPECT_THROW(InsertMembership(*db, Membership(kPlain, kUser, std::nullopt)), ConstraintError);
  // Listing the whole channel shows the moderator once; a sub-channel shows its own.
  EXPECT_EQ(ListMembershipsPage(*db, kChannel, "", "", 0, 10).size(), 1u);
  EXPECT_EQ(ListMembershipsPage(*db, kChannel, "", "2", 0, 10).size(), 1u);
  EXPECT_TRUE(DeleteMembership(*db, kChannel, kMod));
  EXPECT_TRUE(ListMembershipsInChannel(*db, kChannel, kMod).empty());
}

TEST(ElasticMembershipStoreTest, ASnapshotWithAModeratorInTwoSubChannelsRoundTrips) {
  auto source = Database::Open(":memory:");
  source->Exec(Fixture());
  InsertMembership(*source, Membership(kChannel, kMod, "1"));
  InsertMembership(*source, Membership(kChannel, kMod, "2"));
  auto bytes = SerializeStore(*source);
  auto snapshot =
      LoadSnapshot(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  auto target = Database::Open(":memory:");
  Transaction tx(*target, Transaction::Mode::kWrite);
  ReplaceData(*target, *snapshot);
  auto rows = ListMembershipsInChannel(*target, kChannel, kMod);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].sub_channel_id, "1");
  EXPECT_EQ(rows[1].sub_channel_id, "2");
}

TEST(ElasticMembershipStoreTest, ASnapshotWithARegularMemberInTwoSubChannelsIsRefused) {
  auto source = Database::Open(":memory:");
  source->Exec(Fixture());
  InsertMembership(*source, Membership(kChannel, kUser, "1"));
  InsertMembership(*source, Membership(kChannel, kUser, "2"));
  auto bytes = SerializeStore(*source);
  try {
    LoadSnapshot(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    FAIL() << "accepted";
  } catch (const InvalidSnapshot& e) {
    EXPECT_NE(std::string(e.what()).find("channel_memberships"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace chime::storage
