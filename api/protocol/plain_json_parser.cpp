#include "api/protocol/plain_json_parser.hpp"

#include <cstdint>

namespace chime::api {

namespace {

using nlohmann::json;

class Parser {
 public:
  Parser(std::string_view text, size_t max_depth) : s_(text), max_depth_(max_depth) {}

  std::optional<json> Document() {
    json v;
    if (!Value(v, 0)) return std::nullopt;
    SkipSpace();
    if (i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
  size_t max_depth_;

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  // A string of printable ASCII without escapes, after its opening quote.
  bool String(std::string& out) {
    const size_t start = i_;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        out.assign(s_.data() + start, i_ - start);
        ++i_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++i_;
    }
    return false;
  }

  // -?(0|[1-9][0-9]{0,17}), no fraction or exponent: fits int64 exactly.
  // nlohmann makes a non-negative integer unsigned, a negative one signed.
  bool Integer(json& v) {
    const bool negative = s_[i_] == '-';
    if (negative) ++i_;
    const size_t start = i_;
    uint64_t n = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') n = n * 10 + static_cast<uint64_t>(s_[i_++] - '0');
    const size_t digits = i_ - start;
    if (digits == 0 || digits > 18 || (digits > 1 && s_[start] == '0')) return false;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return false;
    if (negative) {
      v = -static_cast<int64_t>(n);
    } else {
      v = n;
    }
    return true;
  }

  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool Value(json& v, size_t depth) {
    SkipSpace();
    if (i_ >= s_.size()) return false;
    switch (s_[i_]) {
      case '{': {
        if (++depth > max_depth_) return false;
        ++i_;
        v = json::object();
        auto& members = v.get_ref<json::object_t&>();
        if (Eat('}')) return true;
        std::string key;
        do {
          if (!Eat('"') || !String(key) || !Eat(':')) return false;
          json member;
          if (!Value(member, depth)) return false;
          members[std::move(key)] = std::move(member);  // a repeated key: the last wins, as in nlohmann
          key.clear();
        } while (Eat(','));
        return Eat('}');
      }
      case '[': {
        if (++depth > max_depth_) return false;
        ++i_;
        v = json::array();
        auto& items = v.get_ref<json::array_t&>();
        if (Eat(']')) return true;
        do {
          items.emplace_back();
          if (!Value(items.back(), depth)) return false;
        } while (Eat(','));
        return Eat(']');
      }
      case '"': {
        ++i_;
        std::string text;
        if (!String(text)) return false;
        v = std::move(text);
        return true;
      }
      case 't': v = true; return Literal("true");
      case 'f': v = false; return Literal("false");
      case 'n': v = nullptr; return Literal("null");
      default:
        if (s_[i_] == '-' || (s_[i_] >= '0' && s_[i_] <= '9')) return Integer(v);
        return false;
    }
  }
};

}  // namespace

std::optional<nlohmann::json> ParsePlainJson(std::string_view text, size_t max_depth) {
  return Parser(text, max_depth).Document();
}

}  // namespace chime::api
