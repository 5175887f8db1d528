// Issue 8 part 4 / issue 9 defect 4: a database path that cannot be used is
// explained in words a user can act on, before anything fails at request time.
#include "server/database_diagnosis.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace chime::server {
namespace {

namespace fs = std::filesystem;

class DatabaseDiagnosisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chime-diag-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }
  static int Latest() { return storage::LatestSchemaVersion(); }

  fs::path dir_;
};

bool Mentions(const std::optional<std::string>& why, std::string_view text) {
  return why && why->find(text) != std::string::npos;
}

TEST_F(DatabaseDiagnosisTest, NewAndExistingDatabasesAreFine) {
  EXPECT_EQ(DiagnoseDatabasePath(Path("new.sqlite3"), false, Latest()), std::nullopt);
  storage::Database::Open(Path("db.sqlite3")).reset();
  EXPECT_EQ(DiagnoseDatabasePath(Path("db.sqlite3"), false, Latest()), std::nullopt);
  EXPECT_EQ(DiagnoseDatabasePath(Path("db.sqlite3"), true, Latest()), std::nullopt);
  Write("empty.sqlite3", "");
  EXPECT_EQ(DiagnoseDatabasePath(Path("empty.sqlite3"), false, Latest()), std::nullopt);
}

TEST_F(DatabaseDiagnosisTest, MissingDirectoryAndDirectoryAsFile) {
  auto why = DiagnoseDatabasePath(Path("missing/db.sqlite3"), false, Latest());
  EXPECT_TRUE(Mentions(why, "does not exist")) << why.value_or("");
  fs::create_directories(Path("adir"));
  EXPECT_TRUE(Mentions(DiagnoseDatabasePath(Path("adir"), false, Latest()), "is a directory"));
}

TEST_F(DatabaseDiagnosisTest, NotASqliteFile) {
  Write("notes.txt", std::string(200, 'x'));
  auto why = DiagnoseDatabasePath(Path("notes.txt"), false, Latest());
  EXPECT_TRUE(Mentions(why, "is not a SQLite database")) << why.value_or("");
  Write("short", "SQLite");
  EXPECT_TRUE(Mentions(DiagnoseDatabasePath(Path("short"), true, Latest()), "is not a SQLite database"));
}

TEST_F(DatabaseDiagnosisTest, SchemaFromANewerVersion) {
  storage::Database::Open(Path("db.sqlite3"))->Exec("PRAGMA user_version = " + std::to_string(Latest() + 5));
  auto why = DiagnoseDatabasePath(Path("db.sqlite3"), false, Latest());
  EXPECT_TRUE(Mentions(why, "newer chime-local")) << why.value_or("");
  EXPECT_TRUE(Mentions(why, "schema version " + std::to_string(Latest() + 5))) << why.value_or("");
  // The open itself fails too; the explanation adds the diagnosis.
  std::string explained = ExplainOpenFailure(Path("db.sqlite3"), "database schema version is newer", false, Latest());
  EXPECT_NE(explained.find("run the newer chime-local"), std::string::npos) << explained;
}

TEST_F(DatabaseDiagnosisTest, ReadOnlyNeedsAnExistingCurrentDatabase) {
  EXPECT_TRUE(Mentions(DiagnoseDatabasePath(Path("none.sqlite3"), true, Latest()), "no database at"));
  storage::Database::Open(Path("old.sqlite3"))->Exec("PRAGMA user_version = 1");
  if (Latest() > 1) {
    EXPECT_TRUE(Mentions(DiagnoseDatabasePath(Path("old.sqlite3"), true, Latest()), "needs an upgrade"));
  }
}

TEST_F(DatabaseDiagnosisTest, UnwritableFileAndDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through file modes (covered by test_storage_health as nobody)";
  storage::Database::Open(Path("db.sqlite3")).reset();
  ::chmod(Path("db.sqlite3").c_str(), 0444);
  auto why = DiagnoseDatabasePath(Path("db.sqlite3"), false, Latest());
  EXPECT_TRUE(Mentions(why, "is not writable by uid " + std::to_string(::geteuid()))) << why.value_or("");
  EXPECT_TRUE(Mentions(why, "--read-only"));
  EXPECT_EQ(DiagnoseDatabasePath(Path("db.sqlite3"), true, Latest()), std::nullopt);
  ::chmod(dir_.c_str(), 0555);
  EXPECT_TRUE(Mentions(DiagnoseDatabasePath(Path("new.sqlite3"), false, Latest()), "data directory"));
}

}  // namespace
}  // namespace chime::server
