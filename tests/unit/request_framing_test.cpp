// Issue 9 defect 2 (request smuggling), at the unit level: the raw-head
// scanner and the framing rules over parsed fields.
#include "server/request_framing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chime::server {
namespace {

HeadScanner::State Scan(const std::string& bytes, HeadScanner* out = nullptr) {
  HeadScanner scanner;
  auto state = scanner.Feed(bytes);
  if (out) *out = scanner;
  return state;
}

TEST(HeadScannerTest, FindsTheEndOfTheHeadAndLeavesTheRest) {
  std::string head = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n";
  HeadScanner scanner;
  EXPECT_EQ(scanner.Feed(head + "{}GET / HTTP/1.1\r\n"), HeadScanner::State::kComplete);
  EXPECT_EQ(scanner.head_size(), head.size());
}

TEST(HeadScannerTest, IncrementalFeedingGivesTheSameAnswer) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n";
  HeadScanner scanner;
  for (size_t n = 1; n < head.size(); ++n) {
    ASSERT_EQ(scanner.Feed(head.substr(0, n)), HeadScanner::State::kIncomplete) << n;
  }
  EXPECT_EQ(scanner.Feed(head), HeadScanner::State::kComplete);
  EXPECT_EQ(scanner.head_size(), head.size());
}

TEST(HeadScannerTest, RefusesAmbiguousBytes) {
  struct Case {
    std::string bytes;
    std::string why;
  };
  for (const Case& c : std::vector<Case>{
           {"GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n", "obs-fold"},
           {"GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n", "obs-fold"},
           {"GET / HTTP/1.1\nHost: a\n\n", "Bare LF"},
           {"GET / HTTP/1.1\r\nHost: a\n\r\n", "Bare LF"},
           {"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", "Bare CR"},
           {"GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n", "whitespace before the colon"},
           {"GET / HTTP/1.1\r\nNoColonHere\r\n\r\n", "no colon"},
           {"GET / HTTP/1.1\r\n: empty\r\n\r\n", "empty field name"},
           {"GET / HTTP/1.1\r\nBad(Name): x\r\n\r\n", "invalid character"},
           {std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", sizeof("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n") - 1),
            "control character"},
       }) {
    HeadScanner scanner;
    EXPECT_EQ(scanner.Feed(c.bytes), HeadScanner::State::kMalformed) << c.bytes;
    EXPECT_NE(scanner.error().find(c.why), std::string::npos) << scanner.error();
  }
}

TEST(HeadScannerTest, AcceptsObsTextInValues) {
  EXPECT_EQ(Scan("GET / HTTP/1.1\r\nX: caf\xc3\xa9 \xff\r\n\r\n"), HeadScanner::State::kComplete);
}

std::optional<std::string> Framing(HeaderFields fields, unsigned version = 11) {
  return CheckFraming(fields, version);
}

TEST(CheckFramingTest, AcceptsUnambiguousRequests) {
  EXPECT_EQ(Framing({{"Host", "a"}}), std::nullopt);
  EXPECT_EQ(Framing({{"Host", "a"}, {"Content-Length", "12"}}), std::nullopt);
  EXPECT_EQ(Framing({{"Host", "a"}, {"Transfer-Encoding", "chunked"}}), std::nullopt);
  EXPECT_EQ(Framing({{"Host", "a"}, {"transfer-encoding", "Chunked"}}), std::nullopt);
  EXPECT_EQ(Framing({}, 10), std::nullopt);  // HTTP/1.0 may omit Host
}

TEST(CheckFramingTest, RefusesTransferEncodingsThatDoNotEndInOneChunked) {
  for (std::string te : {"xchunked", "identity", "chunked, gzip", "chunked, chunked", "gzip, chunked", "chunked,",
                         "", "chunked;q=1"}) {
    auto why = Framing({{"Host", "a"}, {"Transfer-Encoding", te}});
    EXPECT_TRUE(why.has_value()) << "accepted Transfer-Encoding: " << te;
  }
  // Split over two fields counts as one list.
  EXPECT_TRUE(Framing({{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}));
  EXPECT_TRUE(Framing({{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "gzip"}}));
}

TEST(CheckFramingTest, RefusesConflictingLengths) {
  auto has = [](std::optional<std::string> why, std::string_view text) {
    return why && why->find(text) != std::string::npos;
  };
  EXPECT_TRUE(has(Framing({{"Host", "a"}, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}),
                  "Both Content-Length and Transfer-Encoding"));
  EXPECT_TRUE(has(Framing({{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}),
                  "Both Content-Length and Transfer-Encoding"));
  EXPECT_TRUE(has(Framing({{"Host", "a"}, {"Content-Length", "5"}, {"Content-Length", "5"}}),
                  "More than one Content-Length"));
  EXPECT_TRUE(has(Framing({{"Host", "a"}, {"Content-Length", "5"}, {"Content-Length", "6"}}),
                  "More than one Content-Length"));
  EXPECT_TRUE(has(Framing({{"Host", "a"}, {"Content-Length", "5, 5"}}), "not a single decimal number"));
  EXPECT_TRUE(has(Framing({{"Host", "a"}, {"Content-Length", "+5"}}), "not a single decimal number"));
  EXPECT_TRUE(has(Framing({{"Transfer-Encoding", "chunked"}}, 10), "HTTP/1.0"));
}

TEST(CheckFramingTest, HostRules) {
  EXPECT_TRUE(Framing({}, 11));
  EXPECT_TRUE(Framing({{"Host", "a"}, {"Host", "b"}}, 11));
  EXPECT_TRUE(Framing({{"Host", "a"}, {"Host", "b"}}, 10));
}

}  // namespace
}  // namespace chime::server

TEST(SnapshotUploadTest, OnlyAPutOfTheSnapshotPathGetsTheSnapshotBound) {
  using chime::server::IsSnapshotUpload;
  EXPECT_TRUE(IsSnapshotUpload("PUT /_chime-local/snapshot HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(IsSnapshotUpload("PUT /_chime-local/snapshot?x=1 HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(IsSnapshotUpload("GET /_chime-local/snapshot HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(IsSnapshotUpload("PUT /_chime-local/snapshots HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(IsSnapshotUpload("PUT /_chime-local/snapshot/x HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(IsSnapshotUpload("PUT /channels HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(IsSnapshotUpload("PUT /_chime-local/snapshot"));
  EXPECT_FALSE(IsSnapshotUpload(""));
}
