#include "api/common/canonical_json.hpp"

#include <cstdio>
#include <stdexcept>

#include "api/common/json_text_scan.hpp"

namespace chime::api {

namespace {

void AppendString(const std::string& s, std::string& out) {
  out.push_back('"');
  // Runs of bytes that need no escape (nearly all of them) go in one append.
  size_t i = 0;
  while (true) {
    const size_t run = PlainJsonPrefix(std::string_view(s).substr(i), false);
    out.append(s, i, run);
    i += run;
    if (i >= s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i++]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.push_back('"');
}

void Append(const nlohmann::json& v, std::string& out, int depth) {
  if (depth > kMaxCanonicalDepth) throw std::length_error("JSON nested deeper than " + std::to_string(kMaxCanonicalDepth));
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      out.push_back('{');
      bool first = true;
      // nlohmann::json keeps object members in a std::map: byte order already.
      for (const auto& [key, member] : v.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(key, out);
        out.push_back(':');
        Append(member, out, depth + 1);
      }
      out.push_back('}');
      return;
    }
    case nlohmann::json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v) {
        if (!first) out.push_back(',');
        first = false;
        Append(item, out, depth + 1);
      }
      out.push_back(']');
      return;
    }
    case nlohmann::json::value_t::string: AppendString(v.get_ref<const std::string&>(), out); return;
    case nlohmann::json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case nlohmann::json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return;
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return;
    case nlohmann::json::value_t::number_float: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v.get<double>());
      out += buf;
      return;
    }
    default: out += "null"; return;  // null, discarded, binary (never bound from a request)
  }
}

}  // namespace

void AppendCanonicalJson(const nlohmann::json& value, std::string& out) { Append(value, out, 0); }
void AppendCanonicalString(const std::string& s, std::string& out) { AppendString(s, out); }

}  // namespace chime::api
