#include "api/protocol/compact_json.hpp"

#include <charconv>

namespace chime::api {

namespace {

using nlohmann::json;

std::string Dump(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// Printable ASCII without a quote or a backslash: written as it is.
bool Plain(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
  }
  return true;
}

void AppendString(const std::string& s, std::string& out) {
  if (!Plain(s)) {
    out += Dump(json(s));
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

void Append(const json& v, std::string& out) {
  switch (v.type()) {
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : v.get_ref<const json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(key, out);
        out.push_back(':');
        Append(member, out);
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
        Append(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string: return AppendString(v.get_ref<const std::string&>(), out);
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case json::value_t::null: out += "null"; return;
    case json::value_t::number_integer: return AppendInteger(v.get<int64_t>(), out);
    case json::value_t::number_unsigned: return AppendInteger(v.get<uint64_t>(), out);
    default: out += Dump(v); return;  // floats (nlohmann's shortest form), binary, discarded
  }
}

}  // namespace

void AppendCompactJson(const nlohmann::json& value, std::string& out) { Append(value, out); }

}  // namespace chime::api
