// Request framing rules the HTTP parser (Beast) does not enforce, checked
// before a request is acted on. Ambiguous framing is how request smuggling
// works: a body that one reader takes as part of this request and another as
// the next request. RFC 9112 section 6.3 says to answer 400 and close.
//
//   HeadScanner: finds the end of the request head in the raw bytes and
//     refuses what Beast would silently accept or mis-frame (obs-fold, bare
//     LF or CR, whitespace before a colon, control characters).
//   CheckFraming: over the parsed fields, refuses a Transfer-Encoding that
//     does not end in exactly one "chunked", Content-Length together with
//     Transfer-Encoding, more than one Content-Length, Transfer-Encoding in
//     HTTP/1.0, and a missing or repeated Host in HTTP/1.1.
//
// Beast-free so the unit tests can include it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chime::server {

// A parsed header field as received (name case preserved).
struct HeaderField {
  std::string_view name;
  std::string_view value;
};
using HeaderFields = std::vector<HeaderField>;

// Incremental scan of one request head. Feed it the whole buffered input
// (which only grows at the end while the head is incomplete); each call looks
// only at the bytes it has not seen. Linear in the head size overall, so a
// client sending one byte at a time costs nothing extra.
class HeadScanner {
 public:
  enum class State { kIncomplete, kComplete, kMalformed };

  State Feed(std::string_view bytes);
  State state() const { return state_; }
  // kComplete: bytes up to and including the blank line that ends the head.
  size_t head_size() const { return head_size_; }
  // kMalformed: why, in one sentence for the client.
  const std::string& error() const { return error_; }
  // True once at least one byte of the head has been seen.
  bool started() const { return scanned_ > 0; }

 private:
  State Fail(std::string why);
  State CheckFieldLine(std::string_view line);

  State state_ = State::kIncomplete;
  size_t scanned_ = 0;     // bytes looked at so far
  size_t line_start_ = 0;  // offset of the current line
  size_t line_number_ = 0;
  size_t head_size_ = 0;
  std::string error_;
};

// True when a complete, scanned head is a PUT of /_chime-local/snapshot
// (origin-form target, with or without a query): that body gets
// --max-snapshot-bytes instead of --max-body-bytes. Looks at the request line only.
bool IsSnapshotUpload(std::string_view head);

// nullopt when the framing of a parsed head is unambiguous, else the reason
// (400, then close). `version` is 10 or 11.
std::optional<std::string> CheckFraming(const HeaderFields& fields, unsigned version);

}  // namespace chime::server
