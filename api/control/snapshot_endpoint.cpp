#include "api/control/snapshot_endpoint.hpp"

#include <memory>
#include <string>

#include "api/protocol/api_error.hpp"
#include "api/protocol/encoder.hpp"
#include "storage/database.hpp"
#include "storage/snapshot.hpp"

namespace chime::api {

ControlRequest HandleSnapshot(const HttpRequest& request, std::string_view path, StreamingDirectory* streaming,
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
    // Validation, migration and copy are one write unit on the writer
    // thread, never on the I/O thread that read the body: an untrusted file
    // costs bounded work there (storage/snapshot.cpp, UntrustedBounds), and
    // the batch transaction's savepoint makes the replacement atomic. A
    // refused file is a 400 (ApiError), never a storage error, so health
    // stays "ok": nothing was written.
    auto body = std::make_shared<const std::string>(request.body);
    c.departures = std::make_shared<Departures>(Departures{{}, {}, true});  // every user is replaced
    c.write = [body, streaming](storage::Database& db) {
      nlohmann::json rows = nlohmann::json::object();
      try {
        std::unique_ptr<storage::Database> snapshot = storage::LoadSnapshot(*body);
        for (const auto& t : storage::ReplaceData(db, *snapshot)) rows[t.table] = t.rows;
      } catch (const storage::InvalidSnapshot& e) {
        throw ApiError(ErrorType::kBadRequest, std::string("Invalid snapshot: ") + e.what());
      }
      ReloadDataCaches(db, streaming);
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
