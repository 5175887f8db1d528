#include "api/protocol/compact_json.hpp"

#include <charconv>
#include <cmath>

#include "api/common/json_text_scan.hpp"

namespace chime::api {

namespace {

using nlohmann::json;

std::string Dump(const json& v, json::error_handler_t handler) { return v.dump(-1, ' ', false, handler); }

// Printable ASCII without a quote or a backslash: written as it is.
bool Plain(const std::string& s) { return PlainJsonPrefix(s, true) == s.size(); }

void AppendString(const std::string& s, std::string& out, json::error_handler_t handler) {
  if (!Plain(s)) {
    out += Dump(json(s), handler);
    return;
  }
  out.push_back('"');
  out += s;
  out.push_back('"');
}

template <typename T>
void AppendInteger(T n, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void Append(const json& v, std::string& out, json::error_handler_t handler) {
  switch (v.type()) {
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : v.get_ref<const json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(key, out, handler);
        out.push_back(':');
        Append(member, out, handler);
      }
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.get_ref<const json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        Append(item, out, handler);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string: return AppendString(v.get_ref<const std::string&>(), out, handler);
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case json::value_t::null: out += "null"; return;
    case json::value_t::number_integer: return AppendInteger(v.get<int64_t>(), out);
    case json::value_t::number_unsigned: return AppendInteger(v.get<uint64_t>(), out);
    case json::value_t::number_float: {
      // What nlohmann's serializer does (null for NaN and infinities, else
      // its shortest round-trip form), without a serializer for each value:
      // every message in a page has two timestamps.
      const double d = v.get<double>();
      if (!std::isfinite(d)) {
        out += "null";
        return;
      }
      char buf[64];
      out.append(buf, nlohmann::detail::to_chars(buf, buf + sizeof buf, d));
      return;
    }
    default: out += Dump(v, handler); return;  // binary, discarded
  }
}

}  // namespace

void AppendCompactJson(const nlohmann::json& value, std::string& out, nlohmann::json::error_handler_t handler) {
  Append(value, out, handler);
}

}  // namespace chime::api
