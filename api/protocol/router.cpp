#include "api/protocol/router.hpp"

#include <algorithm>

#include "api/protocol/api_error.hpp"

namespace chime::api {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);  // one trailing slash is ignored
  if (path.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool HasQueryLiteral(const QueryParams& q, const model::OperationDef& op) {
  return std::any_of(q.begin(), q.end(),
                     [&](const auto& kv) { return kv.first == op.query_key && kv.second == op.query_value; });
}

}  // namespace

bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;  // truncated escape
    int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

QueryParams ParseQuery(std::string_view query) {
  QueryParams out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key, value;
      if (!PercentDecode(pair.substr(0, eq), key) ||
          (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), value))) {
        throw BadRequest("Malformed percent-encoding in the query string");
      }
      out.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

Route RouteRequest(std::string_view method, std::string_view target) {
  size_t qmark = target.find('?');
  std::string_view path = target.substr(0, qmark);
  Route route;
  if (qmark != std::string_view::npos) route.query = ParseQuery(target.substr(qmark + 1));

  std::vector<std::string_view> raw = SplitPath(path);
  std::vector<std::string> segments(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (!PercentDecode(raw[i], segments[i])) throw BadRequest("Malformed percent-encoding in the request path");
  }

  const model::OperationDef* with_literal = nullptr;
  const model::OperationDef* without_literal = nullptr;
  std::vector<std::string_view> other_methods;
  std::vector<std::string> missing_literals;  // same method, but the ?key=value literal is absent
  for (const model::OperationDef& op : model::Operations()) {
    if (op.segment_count != segments.size()) continue;
    auto segs = model::Segments(op);
    bool match = true;
    for (size_t i = 0; i < segs.size() && match; ++i) {
      // Literal segments compare undecoded-equal (they contain no escapes).
      if (!segs[i].is_label && segs[i].text != segments[i]) match = false;
    }
    if (!match) continue;
    if (op.method != method) {
      if (std::find(other_methods.begin(), other_methods.end(), op.method) == other_methods.end())
        other_methods.push_back(op.method);
      continue;
    }
    if (op.query_key.empty()) {
      if (!without_literal) without_literal = &op;  // messaging first: /tags goes to the shared handler
    } else if (HasQueryLiteral(route.query, op)) {
      if (!with_literal) with_literal = &op;
    } else {
      std::string lit = std::string(op.query_key) + "=" + std::string(op.query_value);
      if (std::find(missing_literals.begin(), missing_literals.end(), lit) == missing_literals.end())
        missing_literals.push_back(std::move(lit));
    }
  }
  route.op = with_literal ? with_literal : without_literal;
  if (!route.op) {
    if (!missing_literals.empty()) {
      std::string wanted;
      for (const auto& l : missing_literals) wanted += (wanted.empty() ? "" : " or ") + l;
      throw BadRequest(std::string(method) + " " + std::string(path) + " requires the query parameter " + wanted);
    }
    if (!other_methods.empty()) {
      std::string allowed;
      for (auto m : other_methods) allowed += (allowed.empty() ? "" : ", ") + std::string(m);
      throw BadRequest("Method " + std::string(method) + " is not supported for " + std::string(path) +
                       " (supported: " + allowed + ")");
    }
    throw NotFound("No Chime SDK operation matches " + std::string(method) + " " + std::string(path));
  }
  auto segs = model::Segments(*route.op);
  for (size_t i = 0; i < segs.size(); ++i) {
    if (segs[i].is_label) route.labels.emplace_back(segs[i].text, std::move(segments[i]));
  }
  return route;
}

}  // namespace chime::api
