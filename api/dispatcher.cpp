#include "api/dispatcher.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/common/ids.hpp"
#include "api/control/control_plane.hpp"
#include "api/handler.hpp"
#include "api/protocol/binder.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/router.hpp"
#include "api/protocol/timestamp.hpp"
#include "api/protocol/validator.hpp"
#include "storage/error.hpp"

namespace chime::api {

struct Dispatcher::Impl {
  ServiceConfig config;
  storage::Database& db;
  HandlerTable handlers;

  Impl(const ServiceConfig& c, storage::Database& d) : config(c), db(d) {
    RegisterAppInstanceHandlers(handlers);
    RegisterAppInstanceUserHandlers(handlers);
    RegisterAppInstanceUserEndpointHandlers(handlers);
    RegisterRetentionSettingsHandlers(handlers);
    RegisterChannelHandlers(handlers);
    RegisterChannelMembershipHandlers(handlers);
    RegisterChannelModerationHandlers(handlers);
    RegisterChannelMessageHandlers(handlers);
    RegisterChannelPreferenceHandlers(handlers);
    RegisterChannelSearchHandlers(handlers);
    RegisterTagHandlers(handlers);
  }

  HttpResponse Run(const HttpRequest& request, const std::string& request_id, std::string& operation) {
    if (auto control = HandleControlRequest(request, db, handlers, request_id)) return std::move(*control);

    Route route = RouteRequest(request.method, request.target);
    const model::OperationDef& op = *route.op;
    operation = std::string(op.name);
    json input = BindInput(route, request);
    ValidateInput(op, input);

    Handler handler = handlers.Find(op.op);
    if (!handler) {
      auto r = EncodeError(ErrorType::kNotImplemented,
                           "chime-local does not implement " + std::string(op.name) +
                               " yet (see the Operations table in the README)",
                           request_id);
      r.operation = std::string(op.name);
      return r;
    }

    // GETs read a consistent snapshot; everything else takes the write lock
    // up front. The commit happens before the response exists, so every
    // acknowledged write is durable.
    storage::Transaction txn(db, op.method == "GET" ? storage::Transaction::Mode::kRead
                                                    : storage::Transaction::Mode::kWrite);
    RequestContext ctx{op, config, db, request_id, NowMs()};
    json output = handler(ctx, input);
    txn.Commit();
    return EncodeOutput(op, output, request_id);
  }
};

namespace {
HttpResponse Named(HttpResponse r, const std::string& operation) {
  r.operation = operation;
  return r;
}
}  // namespace

Dispatcher::Dispatcher(const ServiceConfig& config, storage::Database& db)
    : impl_(std::make_unique<Impl>(config, db)) {}
Dispatcher::~Dispatcher() = default;

HttpResponse Dispatcher::Handle(const HttpRequest& request) {
  std::string request_id;
  try {
    request_id = NewUuid();
  } catch (...) {
    request_id = "00000000-0000-4000-8000-000000000000";
  }
  std::string operation = "-";
  try {
    return impl_->Run(request, request_id, operation);
  } catch (const ApiError& e) {
    return Named(EncodeError(e.type(), e.what(), request_id), operation);
  } catch (const storage::Error& e) {
    std::fprintf(stderr, "ERROR %s storage failure (request %s): %s\n", operation.c_str(), request_id.c_str(), e.what());
    return Named(EncodeError(ErrorType::kServiceFailure, std::string("Storage failure: ") + e.what(), request_id),
                 operation);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ERROR %s internal failure (request %s): %s\n", operation.c_str(), request_id.c_str(), e.what());
    return Named(EncodeError(ErrorType::kServiceFailure, std::string("Internal failure: ") + e.what(), request_id),
                 operation);
  } catch (...) {
    return Named(EncodeError(ErrorType::kServiceFailure, "Internal failure", request_id), operation);
  }
}

}  // namespace chime::api
