// Where Boost's assertions go in Debug builds (the sanitizer and fuzz tree;
// CMakeLists.txt defines BOOST_ENABLE_ASSERT_DEBUG_HANDLER there, and Release
// builds compile BOOST_ASSERT out with NDEBUG as before): print and abort, as
// assert() does, except for one assertion known to be wrong.
//
// Beast before Boost 1.86 asserts `n >= 5` in basic_parser::parse_chunk_header
// when a chunked body's first chunk is its last ("0\r\n") and the trailer
// arrives in small reads (e.g. "0\r\n", then one byte): the code after it
// handles that case correctly (need_more). Fixed upstream by boostorg/beast
// PR #2861 (2024); found here by fuzz_http_framing, which replays that input
// from its corpus (tests/fuzz/corpus/http_framing/regression-chunk-header-n5).
#include <boost/assert.hpp>
#include <boost/version.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace boost {

namespace {
bool KnownFalseAssertion(const char* expr, const char* file) {
#if BOOST_VERSION < 108600
  return std::strcmp(expr, "n >= 5") == 0 && std::strstr(file, "beast/http/impl/basic_parser.ipp") != nullptr;
#else
  (void)expr;
  (void)file;
  return false;
#endif
}
}  // namespace

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  if (KnownFalseAssertion(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line, function, expr);
  std::abort();
}

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file, long line) {
  if (KnownFalseAssertion(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s\n", file, line, function, expr, msg);
  std::abort();
}

}  // namespace boost
