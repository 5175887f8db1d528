#include "api/protocol/binder.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "api/protocol/api_error.hpp"
#include "api/protocol/json_body.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::api {

using nlohmann::json;
using model::Kind;
using model::Location;

namespace {

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

json ConvertQueryValue(const model::MemberDef& m, const std::string& value) {
  const model::ShapeDef& shape = model::Shape(m.shape);
  switch (shape.kind) {
    case Kind::kInteger:
    case Kind::kLong: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size()) {
        throw BadRequest("Value '" + value.substr(0, 64) + "' at '" + std::string(m.name) +
                         "' (query " + std::string(m.wire_name) + ") is not a valid integer");
      }
      return v;
    }
    case Kind::kTimestamp: {
      bool out_of_range = false;
      auto ms = ParseTimestampMs(value, &out_of_range);
      if (out_of_range) {
        throw BadRequest("Value '" + value.substr(0, 64) + "' at '" + std::string(m.name) + "' (query " +
                         std::string(m.wire_name) +
                         ") is out of range: timestamps must lie between 0001-01-01T00:00:00Z and "
                         "9999-12-31T23:59:59Z (epoch seconds " +
                         std::to_string(kMinTimestampSeconds) + " to " + std::to_string(kMaxTimestampSeconds) +
                         ")");
      }
      if (!ms) {
        throw BadRequest("Value '" + value.substr(0, 64) + "' at '" + std::string(m.name) + "' (query " +
                         std::string(m.wire_name) + ") is not an ISO-8601 timestamp such as 2024-08-07T12:00:00Z");
      }
      return EpochSeconds(*ms);
    }
    default:
      return value;
  }
}

// Drops the members that the model does not define from every structure
// inside `v` (AWS ignores them), so neither the validator, the idempotency
// hash nor storage ever sees them. Values of the wrong type are left for the
// validator to report. Recursion depth is bounded by kMaxJsonDepth.
void DropUnknownMembers(uint16_t shape_id, json& v) {
  const model::ShapeDef& s = model::Shape(shape_id);
  switch (s.kind) {
    case Kind::kStructure: {
      if (!v.is_object()) return;
      auto members = model::Members(s);
      for (auto it = v.begin(); it != v.end();) {
        const model::MemberDef* def = nullptr;
        for (const auto& m : members) {
          if (m.name == it.key()) def = &m;
        }
        if (def == nullptr) {
          it = v.erase(it);
        } else {
          DropUnknownMembers(def->shape, it.value());
          ++it;
        }
      }
      return;
    }
    case Kind::kList:
      if (v.is_array())
        for (json& e : v) DropUnknownMembers(s.element, e);
      return;
    case Kind::kMap:
      if (v.is_object())
        for (json& e : v) DropUnknownMembers(s.element, e);
      return;
    default:
      return;
  }
}

}  // namespace

json BindInput(const Route& route, const HttpRequest& request) {
  json input = json::object();
  const model::OperationDef& op = *route.op;
  if (op.input_shape == model::kNoShape) return input;
  auto members = model::Members(model::Shape(op.input_shape));

  bool has_body_members = false;
  for (const auto& m : members) has_body_members |= (m.location == Location::kBody);
  if (has_body_members && !IsBlank(request.body)) {
    // The parsed body becomes the input: what the model does not know, and
    // nulls, are erased; the rest stays where the parser put it (moving each
    // member into a new object cost a map node and a key per member).
    input = ParseJsonObjectBody(request.body);
    for (auto it = input.begin(); it != input.end();) {
      const model::MemberDef* def = nullptr;
      for (const auto& m : members) {
        if (m.location == Location::kBody && m.wire_name == it.key()) {
          def = &m;
          break;
        }
      }
      if (def == nullptr || it->is_null()) {
        it = input.erase(it);
        continue;
      }
      DropUnknownMembers(def->shape, it.value());
      ++it;
    }
    for (const auto& m : members) {  // a body member named apart from its wire name
      if (m.location != Location::kBody || m.name == m.wire_name) continue;
      auto it = input.find(m.wire_name);
      if (it == input.end()) continue;
      json value = std::move(*it);
      input.erase(it);
      input[std::string(m.name)] = std::move(value);
    }
  }

  for (const auto& m : members) {
    switch (m.location) {
      case Location::kBody:
        break;
      case Location::kUri:
        for (const auto& [label, value] : route.labels) {
          if (label == m.wire_name) input[std::string(m.name)] = value;
        }
        break;
      case Location::kQuery:
        for (const auto& [key, value] : route.query) {
          if (key == m.wire_name) {
            input[std::string(m.name)] = ConvertQueryValue(m, value);
            break;
          }
        }
        break;
      case Location::kHeader:
        if (const std::string* v = request.FindHeader(m.wire_name)) input[std::string(m.name)] = *v;
        break;
    }
  }
  return input;
}

}  // namespace chime::api
