#include "api/protocol/router.hpp"

#include <algorithm>

#include "api/protocol/api_error.hpp"

namespace chime::api {

namespace {

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

Route RouteRequest(std::string_view method, std::string_view target) {
  size_t qmark = target.find('?');
  std::string_view path = target.substr(0, qmark);
  Route route;
  // '+' is literal in a rest-json query (botocore and the JS SDK send a space as %20).
  if (qmark != std::string_view::npos) route.query = ParseQuery(target.substr(qmark + 1));

  std::vector<std::string_view> raw = SplitPath(path);
  std::vector<std::string> segments(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    auto segment = PercentDecode(raw[i], /*plus_as_space=*/false);
    if (!segment) throw BadRequest("Malformed percent-encoding in the request path");
    segments[i] = std::move(*segment);
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
