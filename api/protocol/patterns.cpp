#include "api/protocol/patterns.hpp"

namespace chime::api {
namespace {

using model::PatternId;

// Java's '.' excludes line terminators; AWS validates with Java patterns.
bool IsLineTerminator(char32_t c) {
  return c == U'\n' || c == U'\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}
bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == 0x0B || c == U'\f' || c == U'\r'; }
bool IsLower(char32_t c) { return c >= U'a' && c <= U'z'; }
bool IsUpper(char32_t c) { return c >= U'A' && c <= U'Z'; }
bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool IsAlnum(char32_t c) { return IsLower(c) || IsUpper(c) || IsDigit(c); }

bool NoLineTerminators(std::u32string_view s) {
  for (char32_t c : s)
    if (IsLineTerminator(c)) return false;
  return true;
}

bool AllOf(std::u32string_view s, bool (*pred)(char32_t)) {
  for (char32_t c : s)
    if (!pred(c)) return false;
  return true;
}

// Consumes `lit` at the front of s.
bool Eat(std::u32string_view& s, std::u32string_view lit) {
  if (s.substr(0, lit.size()) != lit) return false;
  s.remove_prefix(lit.size());
  return true;
}

// Consumes a run of chars satisfying pred with length in [min, max].
bool EatRun(std::u32string_view& s, bool (*pred)(char32_t), size_t min, size_t max) {
  size_t n = 0;
  while (n < s.size() && pred(s[n])) ++n;
  if (n < min || n > max) return false;
  s.remove_prefix(n);
  return true;
}

bool ArnFieldChar(char32_t c) { return IsLower(c) || IsDigit(c) || c == U'-' || c == U'.'; }

// arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}
bool ChimeArn(std::u32string_view s) {
  if (!Eat(s, U"arn:")) return false;
  if (!EatRun(s, ArnFieldChar, 1, 63) || !Eat(s, U":")) return false;
  for (int i = 0; i < 3; ++i)
    if (!EatRun(s, ArnFieldChar, 0, 63) || !Eat(s, U":")) return false;
  if (s.empty() || s[0] == U'/') return false;
  s.remove_prefix(1);
  return s.size() <= 1023 && NoLineTerminators(s);
}

// [a-z]{2}-[a-z]+-\d{1}
bool Region(std::u32string_view& s) {
  return EatRun(s, IsLower, 2, 2) && Eat(s, U"-") && EatRun(s, IsLower, 1, SIZE_MAX) && Eat(s, U"-") &&
         EatRun(s, IsDigit, 1, 1);
}

bool LambdaNameChar(char32_t c) { return IsAlnum(c) || c == U'-' || c == U'_' || c == U'.'; }
bool LambdaQualifierChar(char32_t c) { return IsAlnum(c) || c == U'-' || c == U'_'; }

// arn:aws:lambda:REGION:\d{12}:function:[a-zA-Z0-9\-_\.]+(:(\$LATEST|[a-zA-Z0-9\-_]+))?
bool LambdaFunctionArn(std::u32string_view s) {
  if (!Eat(s, U"arn:aws:lambda:") || !Region(s) || !Eat(s, U":") || !EatRun(s, IsDigit, 12, 12) ||
      !Eat(s, U":function:") || !EatRun(s, LambdaNameChar, 1, SIZE_MAX))
    return false;
  if (s.empty()) return true;
  if (!Eat(s, U":")) return false;
  if (s == U"$LATEST") return true;
  return !s.empty() && AllOf(s, LambdaQualifierChar);
}

bool UpperOrDigit(char32_t c) { return IsUpper(c) || IsDigit(c); }

// arn:aws:lex:REGION:\d{12}:bot-alias/[A-Z0-9]{10}/[A-Z0-9]{10}
bool LexBotAliasArn(std::u32string_view s) {
  return Eat(s, U"arn:aws:lex:") && Region(s) && Eat(s, U":") && EatRun(s, IsDigit, 12, 12) &&
         Eat(s, U":bot-alias/") && EatRun(s, UpperOrDigit, 10, 10) && Eat(s, U"/") &&
         EatRun(s, UpperOrDigit, 10, 10) && s.empty();
}

// ^([A-Za-z]_?)+$ : letters, each optionally followed by one underscore.
bool LexIntentName(std::u32string_view s) {
  if (s.empty()) return false;
  bool expect_letter = true;
  for (char32_t c : s) {
    if (IsLower(c) || IsUpper(c)) {
      expect_letter = false;
    } else if (c == U'_' && !expect_letter) {
      expect_letter = true;
    } else {
      return false;
    }
  }
  return true;
}

bool ResourceIdMiddle(char32_t c) {
  return IsAlnum(c) || c == U':' || c == U'-' || c == U'_' || c == U'.' || c == U'@';
}

// [A-Za-z0-9]([A-Za-z0-9\:\-\_\.\@]{0,62}[A-Za-z0-9])?
bool ResourceId(std::u32string_view s) {
  if (s.empty() || s.size() > 64 || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return AllOf(s, ResourceIdMiddle);
}

bool TokenChar(char32_t c) { return IsAlnum(c) || c == U'-' || c == U'_'; }

// [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]*
bool ResourceNameChar(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
         (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace

bool MatchesPattern(PatternId id, std::u32string_view s) {
  switch (id) {
    case PatternId::kNone:
    case PatternId::kAnything:
      return true;
    case PatternId::kAnyLine:
      return NoLineTerminators(s);
    case PatternId::kNonBlank: {
      // .*\S.* : '.' excludes line terminators, but \S (Java: not [ \t\n\x0B\f\r])
      // matches U+0085/U+2028/U+2029, so exactly one of those may be the \S.
      size_t terminators = 0;
      bool non_space = false;
      for (char32_t c : s) {
        if (IsLineTerminator(c)) ++terminators;
        if (!IsSpace(c)) non_space = true;
      }
      if (terminators == 0) return non_space;
      if (terminators > 1) return false;
      for (char32_t c : s)
        if (IsLineTerminator(c)) return !IsSpace(c);
      return false;
    }
    case PatternId::kToken:
      return AllOf(s, TokenChar);
    case PatternId::kResourceId:
      return ResourceId(s);
    case PatternId::kResourceName:
      return AllOf(s, ResourceNameChar);
    case PatternId::kChimeArn:
      return ChimeArn(s);
    case PatternId::kLambdaFunctionArn:
      return LambdaFunctionArn(s);
    case PatternId::kLexBotAliasArn:
      return LexBotAliasArn(s);
    case PatternId::kLexIntentName:
      return LexIntentName(s);
  }
  return false;
}

std::string_view PatternText(PatternId id) {
  switch (id) {
    case PatternId::kNone: return "";
    case PatternId::kAnyLine: return ".*";
    case PatternId::kAnything: return "[\\s\\S]*";
    case PatternId::kNonBlank: return ".*\\S.*";
    case PatternId::kToken: return "[-_a-zA-Z0-9]*";
    case PatternId::kResourceId: return "[A-Za-z0-9]([A-Za-z0-9\\:\\-\\_\\.\\@]{0,62}[A-Za-z0-9])?";
    case PatternId::kResourceName:
      return "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]*";
    case PatternId::kChimeArn:
      return "arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[^/].{0,1023}";
    case PatternId::kLambdaFunctionArn:
      return "arn:aws:lambda:[a-z]{2}-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9\\-_\\.]+(:(\\$LATEST|[a-zA-Z0-9\\-_]+))?";
    case PatternId::kLexBotAliasArn:
      return "arn:aws:lex:[a-z]{2}-[a-z]+-\\d{1}:\\d{12}:bot-alias/[A-Z0-9]{10}/[A-Z0-9]{10}";
    case PatternId::kLexIntentName: return "^([A-Za-z]_?)+$";
  }
  return "";
}

}  // namespace chime::api
