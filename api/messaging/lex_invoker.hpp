// LexInvoker: sends an AppInstanceBot's RecognizeText request to Amazon Lex V2,
// the way AWS invokes the bot's LexBotAliasArn. The server's implementation
// (server/outgoing/lex_client.*) calls --lex-endpoint; without one,
// invocations wait in the queue GET /_chime-local/bot-invocations lists and a
// test answers them. Invoke() is called from after-commit jobs on the storage
// writer thread: it must only queue the work, never block.
#pragma once

#include <string>

namespace chime::api {

struct BotInvocationCall {
  std::string invocation_id;
  std::string bot_arn;  // for the server log
  std::string channel_arn;
  std::string request;  // the RecognizeText request, JSON (docs/bots.md)
};

class LexInvoker {
 public:
  virtual ~LexInvoker() = default;
  virtual void Invoke(BotInvocationCall call) = 0;
};

}  // namespace chime::api
