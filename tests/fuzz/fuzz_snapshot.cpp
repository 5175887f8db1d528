// Fuzzes snapshot validation (storage/snapshot.hpp): any bytes, as PUT
// /_chime-local/snapshot or --snapshot FILE hands them over, go to
// LoadSnapshot. Invariants beyond "no crash": it answers InvalidSnapshot or a
// database, nothing else; and an accepted file restores into a store without
// an error (so a validated upload can never fail on the store's own
// constraints and turn health "degraded"). The restore is rolled back, so the
// one target store stays empty. Seeds: corpus/snapshot/ (make_snapshot_corpus.py).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "storage/database.hpp"
#include "storage/snapshot.hpp"
#include "storage/transaction.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<chime::storage::Database> target = chime::storage::Database::Open(":memory:");
  std::unique_ptr<chime::storage::Database> snapshot;
  try {
    snapshot = chime::storage::LoadSnapshot(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const chime::storage::InvalidSnapshot&) {
    return 0;
  }
  try {
    chime::storage::Transaction txn(*target, chime::storage::Transaction::Mode::kWrite);
    chime::storage::ReplaceData(*target, *snapshot);
  } catch (...) {
    __builtin_trap();  // accepted, yet it does not restore
  }
  return 0;
}
