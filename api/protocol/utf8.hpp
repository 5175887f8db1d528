// Minimal UTF-8 decoding for length constraints and pattern matching: the
// models' min/max count Unicode code points (Smithy length trait), not bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chime::api {

// Decodes `s` into code points; nullopt if it is not valid UTF-8
// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::optional<std::u32string> DecodeUtf8(std::string_view s);

// The same into `out` (reusing its capacity); false when invalid (then `out`
// holds no meaning).
bool DecodeUtf8Into(std::string_view s, std::u32string& out);

// Number of code points, or nullopt for invalid UTF-8.
std::optional<size_t> CountCodePoints(std::string_view s);

}  // namespace chime::api
