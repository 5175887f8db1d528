#include "server/outgoing/aws_answer_summary.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/protocol/json_body.hpp"

namespace chime::server {

namespace {

std::string Quote(std::string_view body, size_t limit) {
  std::string out;
  const size_t n = body.size() < limit ? body.size() : limit;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (n < body.size()) out += "... (" + std::to_string(body.size()) + " bytes)";
  return out;
}

std::string StringMember(const nlohmann::json& j, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = j.find(name);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

}  // namespace

std::string SummarizeAnswer(std::string_view body, std::string_view error_type,
                            size_t quote_bytes) {
  std::string type(error_type.substr(0, error_type.find(':')));  // "Type:http://..." form
  std::string message;
  if (!body.empty() && api::JsonNestingDepth(body) <= api::kMaxJsonDepth) {
    auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) {
      if (type.empty()) type = StringMember(parsed, {"__type", "Type", "code", "Code"});
      message = StringMember(parsed, {"message", "Message", "errorMessage"});
    }
  }
  std::string out;
  if (!type.empty()) out += type;
  if (!message.empty()) out += (out.empty() ? "" : ": ") + message;
  if (!out.empty()) out = Quote(out, quote_bytes) + "; ";
  out += body.empty() ? "no body" : "body: " + Quote(body, quote_bytes);
  return out;
}

}  // namespace chime::server
