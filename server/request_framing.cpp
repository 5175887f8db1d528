#include "server/request_framing.hpp"

#include <cctype>

namespace chime::server {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits a comma-separated field value into trimmed elements (empty ones kept,
// so "chunked," is seen as ending in an empty coding).
std::vector<std::string_view> SplitList(std::string_view v) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t comma = v.find(',');
    out.push_back(Trim(v.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

std::string Shown(std::string_view v) {
  std::string out;
  for (char c : v.substr(0, 64)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (v.size() > 64) out += "...";
  return out;
}

}  // namespace

HeadScanner::State HeadScanner::Fail(std::string why) {
  error_ = std::move(why);
  return state_ = State::kMalformed;
}

HeadScanner::State HeadScanner::CheckFieldLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    return Fail("Header line " + std::to_string(line_number_) +
                " starts with whitespace (obs-fold line folding is not accepted)");
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Fail("Header line " + std::to_string(line_number_) + " has no colon");
  std::string_view name = line.substr(0, colon);
  if (name.empty()) return Fail("Header line " + std::to_string(line_number_) + " has an empty field name");
  for (unsigned char c : name) {
    if (c == ' ' || c == '\t') {
      return Fail("Header field '" + Shown(Trim(name)) + "' has whitespace before the colon");
    }
    if (!IsTokenChar(c)) return Fail("Header field name '" + Shown(name) + "' contains an invalid character");
  }
  for (unsigned char c : line.substr(colon + 1)) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return Fail("Header field '" + Shown(name) + "' contains a control character");
    }
  }
  return State::kIncomplete;
}

HeadScanner::State HeadScanner::Feed(std::string_view bytes) {
  if (state_ != State::kIncomplete) return state_;
  for (; scanned_ < bytes.size(); ++scanned_) {
    const char c = bytes[scanned_];
    if (c == '\r') {
      // A CR must be followed by LF; wait for the next byte to know.
      if (scanned_ + 1 >= bytes.size()) return state_;
      if (bytes[scanned_ + 1] != '\n') return Fail("Bare CR in the request head (lines must end with CRLF)");
      continue;
    }
    if (c != '\n') continue;
    if (scanned_ == 0 || bytes[scanned_ - 1] != '\r') {
      return Fail("Bare LF in the request head (lines must end with CRLF)");
    }
    std::string_view line = bytes.substr(line_start_, scanned_ - 1 - line_start_);
    ++line_number_;
    line_start_ = scanned_ + 1;
    if (line_number_ == 1) continue;  // the request line: Beast checks it
    if (line.empty()) {
      head_size_ = scanned_ + 1;
      ++scanned_;
      return state_ = State::kComplete;
    }
    if (CheckFieldLine(line) == State::kMalformed) return state_;
  }
  return state_;
}

std::optional<std::string> CheckFraming(const HeaderFields& fields, unsigned version) {
  std::vector<std::string_view> codings;
  int transfer_encodings = 0;
  int content_lengths = 0;
  int hosts = 0;
  for (const HeaderField& f : fields) {
    if (IEquals(f.name, "transfer-encoding")) {
      ++transfer_encodings;
      for (std::string_view c : SplitList(f.value)) codings.push_back(c);
    } else if (IEquals(f.name, "content-length")) {
      ++content_lengths;
      std::string_view v = Trim(f.value);
      if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos) {
        return "Content-Length '" + Shown(f.value) + "' is not a single decimal number";
      }
    } else if (IEquals(f.name, "host")) {
      ++hosts;
    }
  }
  if (content_lengths > 1) return std::string("More than one Content-Length header");
  if (transfer_encodings > 0) {
    if (version < 11) return std::string("Transfer-Encoding is not allowed in an HTTP/1.0 request");
    if (content_lengths > 0) return std::string("Both Content-Length and Transfer-Encoding are present");
    std::string all;
    for (std::string_view c : codings) all += (all.empty() ? "" : ", ") + Shown(c);
    if (!IEquals(codings.back(), "chunked")) {
      return "Transfer-Encoding '" + all + "' does not end in 'chunked', so the body length is unknown";
    }
    if (codings.size() != 1) return "Transfer-Encoding '" + all + "' is not supported (only 'chunked')";
  }
  if (version >= 11 && hosts == 0) return std::string("Missing Host header (required in HTTP/1.1)");
  if (hosts > 1) return std::string("More than one Host header");
  return std::nullopt;
}

bool IsSnapshotUpload(std::string_view head) {
  static constexpr std::string_view kLine = "PUT /_chime-local/snapshot";
  if (head.substr(0, kLine.size()) != kLine || head.size() == kLine.size()) return false;
  const char next = head[kLine.size()];
  return next == ' ' || next == '?';
}

}  // namespace chime::server
