// EventLog: the last N messaging events this emulator produced (default
// 10,000; the oldest goes when a new one arrives at the bound), recorded
// whether or not a messaging session is connected, so a test can assert on
// events without opening a WebSocket (GET /_chime-local/events). Each record
// has a sequence number (monotonic for the emulator's life: a clear never
// reuses one), the time (the test clock), the account of its channel, and the
// event itself (type, message type, channel, recipients, payload), encoded at
// query time as the frame a messaging session receives.
//
// Long polls: Wait() answers at once when a matching event exists, else later
// from one small thread of the log's own, when one is recorded or the wait
// ends. Record() runs on the storage writer thread: it only appends and wakes.
// At most kMaxEventWaiters waits at a time. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/control/test_clock.hpp"
#include "api/events/event_sink.hpp"

namespace chime::api {

inline constexpr size_t kDefaultEventLogCapacity = 10000;
inline constexpr size_t kMaxEventWaiters = 256;
inline constexpr int64_t kMaxEventWaitMs = 30000;

struct EventQuery {
  std::string account_id, channel_arn, member_arn;
  std::vector<std::string> types;  // any of these; empty: any type
  uint64_t after = 0;              // only events with a larger sequence number
  size_t limit = 1000;
};

struct LoggedEvent {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string account_id, region;
  Event event;  // without its recipients: they are in `recipients`
  // Shared by the logged events of one channel while its members stay the
  // same: a message in a channel of 1,000 members would otherwise keep a copy
  // of 1,000 ARNs (~100 KB) per event.
  std::shared_ptr<const std::vector<std::string>> recipients;
};

class EventLog {
 public:
  explicit EventLog(size_t capacity = kDefaultEventLogCapacity) : capacity_(capacity) {}
  // --event-log-size: 0 records nothing (and handlers build no events when no
  // messaging session is connected either).
  void set_capacity(size_t capacity);
  bool recording() const { return capacity_.load() > 0; }
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void Record(const std::vector<Event>& events, int64_t now_ms);
  // The same, taking the events over (no copy: no other sink wants them).
  void Record(std::vector<Event>&& events, int64_t now_ms);
  // {"events": [...oldest first...], "next": N}: pass N as `after` to get only
  // newer events (N skips the events scanned that did not match).
  nlohmann::json Query(const EventQuery& query) const;
  // Every event, or one account's ("" = all). Sequence numbers go on.
  void Clear(const std::string& account_id = "");

  using Answer = std::function<void(nlohmann::json)>;
  // Calls `answer` with Query(query) as soon as it has events or after
  // `wait` (then without events): at once on the calling thread, or later on
  // the log's thread. False (and no call) when kMaxEventWaiters wait already.
  bool Wait(EventQuery query, std::chrono::milliseconds wait, Answer answer);
  // Answers every wait (without events) and ends the log's thread.
  void Stop();

  // The record of one event in the answers (exposed for tests).
  static nlohmann::json Describe(const LoggedEvent& e);

 private:
  struct Waiter {
    EventQuery query;
    std::chrono::steady_clock::time_point deadline;
    Answer answer;
  };
  // Matching events after query.after, up to limit, and the `next` cursor.
  std::vector<std::shared_ptr<const LoggedEvent>> Find(const EventQuery& query, uint64_t& next) const;
  void WaitLoop();

  std::atomic<size_t> capacity_;
  mutable std::mutex mu_;
  // Appends one event (mu_ held), dropping the oldest at the bound.
  void Append(Event&& e, std::shared_ptr<const std::vector<std::string>> recipients, int64_t now_ms);
  // An equal list recorded lately, or null; Keep() makes a new one (mu_ held).
  std::shared_ptr<const std::vector<std::string>> Recent(const std::vector<std::string>& recipients) const;
  std::shared_ptr<const std::vector<std::string>> Keep(std::vector<std::string>&& recipients);

  std::deque<std::shared_ptr<const LoggedEvent>> events_;  // oldest first, seq ascending
  std::deque<std::shared_ptr<const std::vector<std::string>>> recent_recipients_;  // newest first, a few
  uint64_t last_seq_ = 0;
  std::condition_variable cv_;
  std::vector<Waiter> waiters_;
  size_t waiting_ = 0;   // waiters_ plus those being checked by the thread
  bool recorded_ = false;  // an event arrived since the thread last looked
  bool stopping_ = false;
  std::thread thread_;  // started by the first wait
};

// The sink that records every committed event in `log` (stamped with
// `clock`), then hands it to `inner` (the messaging session's sinks). Wanted
// while the log records: handlers build events even when no session is connected.
class EventLogSink : public EventSink {
 public:
  EventLogSink(EventSink* inner, EventLog& log, const TestClock& clock) : inner_(inner), log_(log), clock_(clock) {}
  bool Wanted() const override { return log_.recording() || (inner_ && inner_->Wanted()); }
  void Publish(std::vector<Event>&& events) override {
    if (!inner_ || !inner_->Wanted()) return log_.Record(std::move(events), clock_.Now());  // no session, no stream
    log_.Record(events, clock_.Now());
    inner_->Publish(std::move(events));
  }
  void Depart(const Departures& gone) override {
    if (inner_) inner_->Depart(gone);
  }

 private:
  EventSink* inner_;
  EventLog& log_;
  const TestClock& clock_;
};

}  // namespace chime::api
