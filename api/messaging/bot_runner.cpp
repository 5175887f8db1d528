#include "api/messaging/bot_runner.hpp"

#include "api/messaging/bot_processing.hpp"
#include "api/protocol/api_error.hpp"
#include "storage/log.hpp"

namespace chime::api {

namespace {
UnitRunner::Done Logged(const std::atomic<bool>& stopping) {
  return [&stopping](std::exception_ptr error) {
    if (!error || stopping) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      storage::Log(storage::LogLevel::kError, std::string("bot answer work failed: ") + e.what());
    } catch (...) {
    }
  };
}
}  // namespace

void BotAnswerRunner::Answer(const std::string& invocation_id, const nlohmann::json& answer) {
  units_.SubmitWrite(
      [this, invocation_id, answer](storage::Database& db, Outbox& outbox) {
        ReactionEnv env{db, config_, clock_.Now(), outbox};
        try {
          bots::Answer(env, invocation_id, answer);
        } catch (const ApiError& e) {
          // Answered meanwhile (Conflict), gone (NotFound), or not a RecognizeText response.
          if (e.type() == ErrorType::kBadRequest)
            bots::LexFailed(env, invocation_id, "DependencyFailedException", e.what());
        }
      },
      Logged(stopping_), "bot answer");
}

void BotAnswerRunner::Fail(const std::string& invocation_id, const std::string& code,
                           const std::string& reason) {
  units_.SubmitWrite(
      [this, invocation_id, code, reason](storage::Database& db, Outbox& outbox) {
        ReactionEnv env{db, config_, clock_.Now(), outbox};
        bots::LexFailed(env, invocation_id, code, reason);
      },
      Logged(stopping_), "bot answer");
}

}  // namespace chime::api
