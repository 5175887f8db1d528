#include "api/protocol/validator.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/protocol/api_error.hpp"
#include "api/protocol/patterns.hpp"
#include "api/protocol/timestamp.hpp"
#include "api/protocol/utf8.hpp"

namespace chime::api {

using nlohmann::json;
using model::Kind;

namespace {

// Where a value sits in the input. Rendered only for an error message: a
// valid input (nearly every request) builds no path strings.
struct Path {
  enum class Kind { kRoot, kMember, kIndex, kMapKey, kMapValue };
  const Path* parent = nullptr;
  Kind kind = Kind::kRoot;
  const model::MemberDef* member = nullptr;  // kMember
  size_t index = 0;                          // kIndex; kMapValue: the key's position (from 1)
  std::string_view key;                      // kMapValue
  bool hide_key = false;                     // kMapValue: a sensitive key is shown as <key N>

  // A member's path: "A.B", with its location after it when not the body
  // (" (header x-amz-chime-bearer)"), as the errors name it.
  static std::string Describe(const model::MemberDef& m, std::string path) {
    switch (m.location) {
      case model::Location::kHeader: return path + " (header " + std::string(m.wire_name) + ")";
      case model::Location::kQuery: return path + " (query " + std::string(m.wire_name) + ")";
      case model::Location::kUri: return path + " (path {" + std::string(m.wire_name) + "})";
      default: return path;
    }
  }

  std::string Str() const {
    switch (kind) {
      case Kind::kRoot: return "";
      case Kind::kMember: {
        std::string p = parent->Str();
        return Describe(*member, p.empty() ? std::string(member->name) : p + "." + std::string(member->name));
      }
      case Kind::kIndex: return parent->Str() + "[" + std::to_string(index) + "]";
      case Kind::kMapKey: return parent->Str() + " key";
      case Kind::kMapValue:
        return parent->Str() + "." + (hide_key ? "<key " + std::to_string(index) + ">" : std::string(key));
    }
    return "";
  }
};

class Walker {
 public:
  std::vector<std::string> errors;

  void Check(uint16_t shape_id, const json& v, const Path& path, bool sensitive) {
    const model::ShapeDef& s = model::Shape(shape_id);
    sensitive = sensitive || s.sensitive;
    switch (s.kind) {
      case Kind::kStructure:
        if (!v.is_object()) return TypeError(path, "a structure (JSON object)");
        for (const auto& m : model::Members(s)) {
          const Path child{&path, Path::Kind::kMember, &m, 0, {}, false};
          auto it = v.find(m.name);
          if (it == v.end() || it->is_null()) {
            if (m.required) Fail("Value null at '" + child.Str() + "' failed to satisfy constraint: Member must not be null");
            continue;
          }
          Check(m.shape, *it, child, sensitive);
        }
        return;
      case Kind::kList: {
        if (!v.is_array()) return TypeError(path, "a list (JSON array)");
        CheckSize(s, v.size(), path);
        for (size_t i = 0; i < v.size(); ++i) Check(s.element, v[i], Path{&path, Path::Kind::kIndex, nullptr, i, {}, false}, sensitive);
        return;
      }
      case Kind::kMap: {
        if (!v.is_object()) return TypeError(path, "a map (JSON object)");
        CheckSize(s, v.size(), path);
        // A sensitive key (MessageAttributeName) must not leak through the value's path either.
        const bool hide_keys = sensitive || (s.key != model::kNoShape && model::Shape(s.key).sensitive);
        const Path key_path{&path, Path::Kind::kMapKey, nullptr, 0, {}, false};
        size_t index = 0;
        for (const auto& [key, value] : v.items()) {
          Check(s.key, json(key), key_path, sensitive);
          Check(s.element, value, Path{&path, Path::Kind::kMapValue, nullptr, ++index, key, hide_keys}, sensitive);
        }
        return;
      }
      case Kind::kString:
        if (!v.is_string()) return TypeError(path, "a string");
        return CheckString(s, v.get_ref<const std::string&>(), path, sensitive);
      case Kind::kInteger:
      case Kind::kLong: {
        int64_t n = 0;
        if (!v.is_number_integer()) {
          // An integral double (5.0) is an integer; check the range before casting (1e300 -> int64 is UB).
          double d = v.is_number_float() ? v.get<double>() : 0.5;
          if (!(d >= -9.2e18 && d <= 9.2e18) || d != std::trunc(d)) return TypeError(path, "an integer");
          n = static_cast<int64_t>(d);
        } else {
          n = v.is_number_unsigned() ? static_cast<int64_t>(std::min<uint64_t>(v.get<uint64_t>(), INT64_MAX))
                                     : v.get<int64_t>();
        }
        if (s.kind == Kind::kInteger && (n > INT32_MAX || n < INT32_MIN)) return TypeError(path, "a 32-bit integer");
        return CheckRange(s, n, path);
      }
      case Kind::kBoolean:
        if (!v.is_boolean()) return TypeError(path, "a boolean");
        return;
      case Kind::kTimestamp:
        if (!v.is_number()) return TypeError(path, "a timestamp (epoch seconds)");
        if (!InTimestampRange(v.get<double>()))
          Fail("Value " + At(path) + " failed to satisfy constraint: Member must be a timestamp between " +
               "0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        return;
    }
  }

 private:
  // Decoded code points of the string being matched, reused across values.
  std::u32string cps_;

  void Fail(std::string msg) { errors.push_back(std::move(msg)); }

  static std::string At(const Path& path) { return "at '" + path.Str() + "'"; }

  void TypeError(const Path& path, const char* expected) {
    Fail("Value " + At(path) + " failed to satisfy constraint: Member must be " + expected);
  }

  void CheckSize(const model::ShapeDef& s, size_t n, const Path& path) {
    if (s.has_min && static_cast<int64_t>(n) < s.min)
      Fail("Value " + At(path) + " failed to satisfy constraint: Member must have at least " + std::to_string(s.min) +
           " element(s), got " + std::to_string(n));
    if (s.has_max && static_cast<int64_t>(n) > s.max)
      Fail("Value " + At(path) + " failed to satisfy constraint: Member must have at most " + std::to_string(s.max) +
           " element(s), got " + std::to_string(n));
  }

  void CheckRange(const model::ShapeDef& s, int64_t n, const Path& path) {
    if (s.has_min && n < s.min)
      Fail("Value '" + std::to_string(n) + "' " + At(path) +
           " failed to satisfy constraint: Member must have value greater than or equal to " + std::to_string(s.min));
    if (s.has_max && n > s.max)
      Fail("Value '" + std::to_string(n) + "' " + At(path) +
           " failed to satisfy constraint: Member must have value less than or equal to " + std::to_string(s.max));
  }

  void CheckString(const model::ShapeDef& s, const std::string& value, const Path& path, bool sensitive) {
    auto shown = [&] {
      return !sensitive && value.size() <= 128 ? "Value '" + value + "' " + At(path) : "Value " + At(path);
    };
    if (s.enum_count > 0) {
      auto values = model::EnumValues(s);
      if (std::find(values.begin(), values.end(), value) == values.end()) {
        std::string list;
        for (auto e : values) list += (list.empty() ? "" : ", ") + std::string(e);
        Fail("Value '" + value.substr(0, 64) + "' " + At(path) +
             " failed to satisfy constraint: Member must satisfy enum value set: [" + list + "]");
      }
      return;
    }
    // Lengths count code points; only a pattern needs them decoded.
    const bool matched = s.pattern != model::PatternId::kNone && s.pattern != model::PatternId::kAnything;
    size_t length = 0;
    if (matched) {
      if (!DecodeUtf8Into(value, cps_)) return Fail("Value " + At(path) + " failed to satisfy constraint: Member must be valid UTF-8");
      length = cps_.size();
    } else {
      auto n = CountCodePoints(value);
      if (!n) return Fail("Value " + At(path) + " failed to satisfy constraint: Member must be valid UTF-8");
      length = *n;
    }
    if (s.has_min && static_cast<int64_t>(length) < s.min)
      Fail(shown() + " failed to satisfy constraint: Member must have length greater than or equal to " +
           std::to_string(s.min));
    if (s.has_max && static_cast<int64_t>(length) > s.max)
      Fail(shown() + " failed to satisfy constraint: Member must have length less than or equal to " +
           std::to_string(s.max));
    if (matched && !MatchesPattern(s.pattern, cps_))
      Fail(shown() + " failed to satisfy constraint: Member must satisfy regular expression pattern: " +
           std::string(PatternText(s.pattern)));
  }
};

}  // namespace

std::vector<std::string> CollectViolations(uint16_t shape, const json& value) {
  Walker w;
  w.Check(shape, value, Path{}, false);
  return std::move(w.errors);
}

void ValidateInput(const model::OperationDef& op, const json& input) {
  if (op.input_shape == model::kNoShape) return;
  std::vector<std::string> errors = CollectViolations(op.input_shape, input);
  if (errors.empty()) return;
  std::string msg = std::to_string(errors.size()) +
                    (errors.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
  throw BadRequest(std::move(msg));
}

}  // namespace chime::api
