// LexClient (server/outgoing/lex_client.hpp): the RecognizeText route of a bot invocation's
// request (Lex V2 runtime API reference, RecognizeText) and the Lex error code of a failed call.
#include "server/outgoing/lex_client.hpp"

#include <gtest/gtest.h>

namespace chime::server {
namespace {

TEST(LexClient, PathIsTheRecognizeTextRoute) {
  const nlohmann::json request = {{"botId", "ABCDEFGHIJ"},
                                  {"botAliasId", "TSTALIASID"},
                                  {"localeId", "en_US"},
                                  {"sessionId", "abc.1:2-3"},
                                  {"text", "hi"}};
  EXPECT_EQ(LexClient::PathOf(request),
            "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/abc.1%3A2-3/text");
}

TEST(LexClient, ErrorCodeFromHeaderThenBodyThenDefault) {
  HttpAttempt a;
  a.status = 400;
  a.error_type = "ValidationException:http://internal.amazon.com/coral/com.amazonaws.lexruntimev2/";
  EXPECT_EQ(LexClient::ErrorCodeOf(a), "ValidationException");
  a.error_type.clear();
  a.body =
      R"({"__type": "com.amazonaws.lexruntimev2#ResourceNotFoundException", "message": "no bot"})";
  EXPECT_EQ(LexClient::ErrorCodeOf(a), "ResourceNotFoundException");
  a.body = "<html>";
  a.status = 0;
  EXPECT_EQ(LexClient::ErrorCodeOf(a), "DependencyFailedException");
}

}  // namespace
}  // namespace chime::server
