#include "api/protocol/input_log.hpp"

#include "api/protocol/binder.hpp"
#include "api/protocol/model.hpp"
#include "api/protocol/router.hpp"

namespace chime::api {

using nlohmann::json;
using model::Kind;

namespace {
constexpr std::string_view kMask = "***";
constexpr std::string_view kControlPrefix = "/_chime-local/";  // as api::kControlPrefix

void Mask(uint16_t shape_id, json& v, bool sensitive) {
  if (shape_id == model::kNoShape) return;
  const model::ShapeDef& s = model::Shape(shape_id);
  sensitive = sensitive || s.sensitive;
  switch (s.kind) {
    case Kind::kStructure:
      if (!v.is_object()) break;
      for (const auto& m : model::Members(s)) {
        if (auto it = v.find(std::string(m.name)); it != v.end()) Mask(m.shape, *it, sensitive);
      }
      return;
    case Kind::kList:
      if (!v.is_array()) break;
      for (json& e : v) Mask(s.element, e, sensitive);
      return;
    case Kind::kMap: {
      if (!v.is_object()) break;
      const bool hide_keys = sensitive || (s.key != model::kNoShape && model::Shape(s.key).sensitive);
      json out = json::object();
      size_t index = 0;
      for (auto& [key, value] : v.items()) {
        json copy = value;
        Mask(s.element, copy, sensitive);
        out[hide_keys ? "<key " + std::to_string(++index) + ">" : key] = std::move(copy);
      }
      v = std::move(out);
      return;
    }
    default:
      break;
  }
  if (sensitive) v = kMask;
}
}  // namespace

void MaskSensitive(uint16_t shape_id, json& value) { Mask(shape_id, value, false); }

LoggableExchange DescribeForLog(const HttpRequest& request, int status, std::string_view response_body) {
  LoggableExchange out;
  json body = json::parse(response_body, nullptr, /*allow_exceptions=*/false);
  // A long non-JSON body (a snapshot: up to --max-snapshot-bytes of SQLite
  // pages) is logged by its size only.
  if (body.is_discarded() && response_body.size() > 1024) {
    // Appended, not "(" + std::string: GCC 12 warns (-Wrestrict) about its own
    // operator+ inlined there (a known false positive).
    std::string note = "(";
    note.append(std::to_string(response_body.size())).append(" bytes, not JSON)");
    out.response = std::move(note);
  } else {
    out.response = body.is_discarded() ? json(std::string(response_body)) : std::move(body);
  }
  if (std::string_view(request.target).substr(0, kControlPrefix.size()) == kControlPrefix) return out;
  try {
    Route route = RouteRequest(request.method, request.target);
    out.input = BindInput(route, request);
    MaskSensitive(route.op->input_shape, out.input);
    if (status >= 200 && status < 300) MaskSensitive(route.op->output_shape, out.response);
  } catch (const std::exception& e) {
    out.input = std::string("(not bound: ") + e.what() + ")";
  }
  return out;
}

}  // namespace chime::api
