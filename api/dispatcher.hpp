// Dispatcher: the whole request pipeline below the transport, as one synchronous
// call: route -> bind -> validate -> authorize/handle (in a storage transaction)
// -> encode. Thread-safety: Handle() may be called from several threads; the
// storage layer serialises access to SQLite.
#pragma once

#include <memory>

#include "api/http_types.hpp"
#include "api/service_config.hpp"

namespace chime::storage {
class Database;
}

namespace chime::api {

class Dispatcher {
 public:
  Dispatcher(const ServiceConfig& config, storage::Database& db);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Never throws: every failure becomes a modeled AWS error response.
  HttpResponse Handle(const HttpRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chime::api
