// The wire model of both services as constexpr tables (generated into
// api/generated/model_tables.cpp by api/codegen/gen_api.py). The protocol
// layer (router, binder, validator) interprets these tables; handlers never
// see raw HTTP. Thread-safety: immutable data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "api/generated/operations.hpp"
#include "api/protocol/access.hpp"
#include "api/protocol/error_type.hpp"

namespace chime::api::model {

enum class Kind : uint8_t { kStructure, kList, kMap, kString, kInteger, kLong, kBoolean, kTimestamp };
enum class Location : uint8_t { kBody, kUri, kQuery, kHeader };
enum class Service : uint8_t { kMessaging, kIdentity };

// One hand-written matcher per distinct pattern in the models (patterns.cpp).
enum class PatternId : uint8_t {
  kNone,
  kAnyLine,            // .*
  kAnything,           // [\s\S]*
  kNonBlank,           // .*\S.*
  kToken,              // [-_a-zA-Z0-9]*
  kResourceId,         // [A-Za-z0-9]([A-Za-z0-9\:\-\_\.\@]{0,62}[A-Za-z0-9])?
  kResourceName,       // XML-safe characters
  kChimeArn,           // arn:...:...:...:...:[^/].{0,1023}
  kLambdaFunctionArn,  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
  kLexBotAliasArn,     // arn:aws:lex:REGION:ACCOUNT:bot-alias/ID10/ID10
  kLexIntentName,      // ^([A-Za-z]_?)+$
};

inline constexpr uint16_t kNoShape = 0xFFFF;

struct MemberDef {
  std::string_view name;       // member name in the model (and our JSON input key)
  std::string_view wire_name;  // locationName: query key, header name, uri label; else = name
  Location location;
  uint16_t shape;
  bool required;
  bool idempotency_token;
};

struct ShapeDef {
  std::string_view name;
  Kind kind;
  bool has_min;
  bool has_max;
  int64_t min;
  int64_t max;
  PatternId pattern;
  bool sensitive;
  uint16_t enum_first;
  uint16_t enum_count;
  uint16_t member_first;
  uint16_t member_count;
  uint16_t element;  // list member / map value shape, or kNoShape
  uint16_t key;      // map key shape, or kNoShape
};

struct PathSegment {
  bool is_label;
  std::string_view text;  // literal text, or the label name
};

constexpr uint16_t ErrorBit(ErrorType t) { return uint16_t(1u << static_cast<unsigned>(t)); }

struct OperationDef {
  Op op;
  Service service;
  std::string_view name;
  std::string_view method;
  std::string_view path_template;  // e.g. "/channels/{channelArn}/messages"
  uint16_t segment_first;
  uint16_t segment_count;
  std::string_view query_key;    // literal from requestUri ("operation", "scope") or empty
  std::string_view query_value;  // its value ("search", "message-status", ...)
  int success_status;
  uint16_t input_shape;   // kNoShape when the operation has no input
  uint16_t output_shape;  // kNoShape when the output is empty
  uint16_t modeled_errors;  // ErrorBit() mask
  Access access;  // kRead: GETs and SearchChannels; kWrite: the rest

  bool Models(ErrorType t) const { return (modeled_errors & ErrorBit(t)) != 0; }
};

// Raw tables (model_tables.cpp).
std::span<const OperationDef> Operations();
std::span<const ShapeDef> Shapes();
std::span<const MemberDef> AllMembers();
std::span<const std::string_view> AllEnumValues();
std::span<const PathSegment> AllSegments();

// Convenience views.
inline const OperationDef& Operation(Op op) { return Operations()[static_cast<size_t>(op)]; }
inline const ShapeDef& Shape(uint16_t id) { return Shapes()[id]; }
inline std::span<const MemberDef> Members(const ShapeDef& s) {
  return AllMembers().subspan(s.member_first, s.member_count);
}
inline std::span<const std::string_view> EnumValues(const ShapeDef& s) {
  return AllEnumValues().subspan(s.enum_first, s.enum_count);
}
inline std::span<const PathSegment> Segments(const OperationDef& o) {
  return AllSegments().subspan(o.segment_first, o.segment_count);
}

}  // namespace chime::api::model
