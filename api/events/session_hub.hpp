// SessionHub: who is connected to the messaging session (the WebSocket that
// amazon-chime-sdk-js's DefaultMessagingSession opens) and the fan-out of
// committed events to them. Beast-free: the transport (server/messaging_*)
// registers a session, is woken when frames wait, and drains them.
//
// Rules (docs/browser-and-tls.md "Real-time messaging"):
// - An event goes to every open session of each of its recipients (computed by
//   the handler inside the change's transaction). A session that is not open
//   at Publish time gets nothing: that is also the NON_PERSISTENT rule.
// - Each session has a bounded queue of frames (shared between the sessions
//   that receive the same event). A session whose queue is full is closed
//   with 1013 (try again later: the SDK reconnects) instead of growing, and
//   leaves the hub at once: it receives nothing more and no longer counts
//   toward the session limits while the transport closes its socket.
// - The sessions of a user or bot that a committed change removed (Depart)
//   are closed with 4401 and leave the hub at once, so a user re-created
//   with the same ARN never receives on the old session.
// - Publish runs on the storage writer thread: it only appends to queues and
//   calls the sessions' wake functions, which must only schedule work.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/events/event_sink.hpp"

namespace chime::api {

// WebSocket close codes the hub and the transport use (the SDK reconnects on
// 1012 and 1013 and on 4xxx except 4002, 4003 and 4401).
namespace close_code {
constexpr int kServiceRestart = 1012;  // graceful shutdown
constexpr int kTryAgainLater = 1013;   // queue overflow, total session limit
constexpr int kForbidden = 4003;       // per-user session limit (no retry)
constexpr int kUnauthorized = 4401;    // unknown, deleted or expired user or bot (no retry)
}  // namespace close_code

using Frame = std::shared_ptr<const std::string>;

class HubSession {
 public:
  HubSession(std::string user_arn, std::string session_id, size_t max_queue, std::function<void()> wake)
      : user_arn_(std::move(user_arn)), session_id_(std::move(session_id)), max_queue_(max_queue),
        wake_(std::move(wake)) {}

  const std::string& user_arn() const { return user_arn_; }
  const std::string& session_id() const { return session_id_; }

  // Transport side: moves every queued frame to `out` (in order) and returns
  // the close code the hub asked for (0 = stay open).
  int Drain(std::vector<Frame>& out);

  // Hub side. Push returns false (and closes the session) when the queue is full.
  bool Push(const Frame& frame);
  void Close(int code);
  // The close the hub asked for (0 = none yet); any thread.
  int close_code();
  // Frames waiting for the transport; any thread.
  size_t queued();

 private:
  void WakeLocked(std::unique_lock<std::mutex>& lock, bool closing = false);

  const std::string user_arn_;
  const std::string session_id_;
  const size_t max_queue_;
  const std::function<void()> wake_;
  std::mutex mu_;
  std::deque<Frame> queue_;  // guarded by mu_
  int close_code_ = 0;       // guarded by mu_
  bool wake_pending_ = false;  // guarded by mu_: one wake until the next Drain
};

class SessionHub : public EventSink {
 public:
  struct Options {
    size_t max_queue_frames = 1024;   // per session
    size_t max_sessions = 10000;      // in total
    size_t max_sessions_per_user = 10;
  };
  explicit SessionHub(Options options) : options_(options) {}
  SessionHub() : SessionHub(Options{}) {}

  struct Admission {
    std::shared_ptr<HubSession> session;  // null when refused
    int refuse_code = 0;
    std::string reason;
  };
  // Registers a session of `user_arn`: events for that user queue from now on.
  // `wake` is called from any thread when frames or a close wait.
  Admission Open(const std::string& user_arn, const std::string& session_id, std::function<void()> wake);
  void Remove(const std::shared_ptr<HubSession>& session);
  // Asks every open session to close with `code` (graceful shutdown: 1012).
  void CloseAll(int code);
  // Closes (4401) and removes the sessions of the principals that are gone.
  void Depart(const Departures& gone) override;

  size_t session_count() const { return count_.load(); }

  // The open sessions now (GET /_chime-local/sessions), by user.
  struct SessionInfo {
    std::string user_arn;
    std::string session_id;
    size_t queued = 0;
  };
  std::vector<SessionInfo> List() const;
  // Called (under the hub's lock: keep it to a counter) when a session opens
  // or leaves; set before the first Open. The inspector's change counter.
  void SetChangeObserver(std::function<void()> observer) { changed_ = std::move(observer); }
  uint64_t overflow_closes() const { return overflows_.load(); }

  bool Wanted() const override { return count_.load() > 0; }
  void Publish(std::vector<Event>&& events) override;

 private:
  // Removes `session` if still registered (mu_ held).
  void EraseLocked(const std::shared_ptr<HubSession>& session);

  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<HubSession>>> by_user_;  // guarded by mu_
  std::atomic<size_t> count_{0};
  std::atomic<uint64_t> overflows_{0};
  std::function<void()> changed_;
};

// The text frame of an event: {"Headers":{...},"Payload":"<JSON string>"},
// timestamps in the payload as ISO-8601 UTC with milliseconds.
std::string EncodeEventFrame(const Event& event);
// A SYSTEM frame without recipients (SESSION_ESTABLISHED, CHANNEL_DETAILS);
// a null payload leaves "Payload" out.
std::string EncodeSystemFrame(const std::string& event_type, const nlohmann::json& payload);
// Epoch-seconds numbers in members named *Timestamp become ISO-8601 strings
// (recursively), the form sample chat apps pass to `new Date(...)`.
nlohmann::json WithIsoTimestamps(nlohmann::json payload);

}  // namespace chime::api
