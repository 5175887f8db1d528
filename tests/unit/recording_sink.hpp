// RecordingSink: an EventSink for tests that records what the pipeline
// publishes; Wanted() says a session listens, so handlers build events.
#pragma once

#include <utility>
#include <vector>

#include "api/events/event_sink.hpp"

namespace chime::testing {

class RecordingSink : public api::EventSink {
 public:
  bool Wanted() const override { return true; }
  void Publish(std::vector<api::Event>&& events) override {
    for (auto& e : events) published.push_back(std::move(e));
  }
  std::vector<api::Event> published;
};

}  // namespace chime::testing
