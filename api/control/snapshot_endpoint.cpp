#include "api/control/snapshot_endpoint.hpp"

#include <memory>

#include "api/protocol/api_error.hpp"
#include "api/protocol/encoder.hpp"
#include "storage/database.hpp"
#include "storage/snapshot.hpp"

namespace chime::api {

ControlRequest HandleSnapshot(const HttpRequest& request, std::string_view path, const FixtureState& fixture,
                              const std::string& request_id) {
  ControlRequest c;
  if (request.method == "GET") {
    // A read unit: on a reader inside its WAL read snapshot (for :memory:, on
    // the writer between batches), so concurrent writes never tear it. The
    // binary JSON value is answered as raw bytes (ControlJson).
    c.operation = "GetSnapshot";
    c.read = [](storage::Database& db) { return nlohmann::json::binary(storage::SerializeStore(db)); };
    return c;
  }
  if (request.method == "PUT") {
    c.operation = "PutSnapshot";
    // Validated here, before anything is queued: a bad body is a 400 and the
    // store is never touched. This runs on the I/O thread that read the body
    // (integrity_check is linear in the size; a few ms for 10,000 messages).
    std::shared_ptr<storage::Database> snapshot;
    try {
      snapshot = storage::LoadSnapshot(request.body);
    } catch (const storage::InvalidSnapshot& e) {
      throw ApiError(ErrorType::kBadRequest, std::string("Invalid snapshot: ") + e.what());
    }
    // One write unit: delete and copy every table inside the batch
    // transaction's savepoint, so readers see the old state or the new one,
    // never a mix, and a failure leaves the old state.
    c.departures = std::make_shared<Departures>(Departures{{}, {}, true});  // every user is replaced
    c.write = [snapshot, fixture](storage::Database& db) {
      nlohmann::json rows = nlohmann::json::object();
      for (const auto& t : storage::ReplaceData(db, *snapshot)) rows[t.table] = t.rows;
      ReloadDataCaches(db, fixture);
      return nlohmann::json{{"restored", true}, {"rows", rows}};
    };
    return c;
  }
  c.operation = "Snapshot";
  c.response = EncodeError(ErrorType::kBadRequest, "Use GET or PUT for " + std::string(path), request_id);
  c.response->operation = c.operation;
  return c;
}

}  // namespace chime::api
