// BotAnswerRunner: applies what --lex-endpoint answered (server/outgoing/lex_client)
// to its bot invocation, as a write unit through the UnitRunner, like the
// channel-flow runner: the bot's reply, or on a Lex error (or a malformed
// answer) the error reply and the EventBridge failure event.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "api/control/test_clock.hpp"
#include "api/service_config.hpp"
#include "api/unit_runner.hpp"

namespace chime::api {

class BotAnswerRunner {
 public:
  // `config`, `units` and `clock` must outlive the runner.
  BotAnswerRunner(const ServiceConfig& config, const UnitRunner& units, const TestClock& clock)
      : config_(config), units_(units), clock_(clock) {}
  // Any thread.
  void Answer(const std::string& invocation_id, const nlohmann::json& answer);
  void Fail(const std::string& invocation_id, const std::string& code, const std::string& reason);
  void Stop() { stopping_ = true; }

 private:
  const ServiceConfig& config_;
  const UnitRunner& units_;
  const TestClock& clock_;
  std::atomic<bool> stopping_{false};
};

}  // namespace chime::api
