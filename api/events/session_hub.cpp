#include "api/events/session_hub.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "api/protocol/timestamp.hpp"

namespace chime::api {

// ---------------------------------------------------------------------------
// HubSession

int HubSession::Drain(std::vector<Frame>& out) {
  std::lock_guard lock(mu_);
  while (!queue_.empty()) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  wake_pending_ = false;
  return close_code_;
}

void HubSession::WakeLocked(std::unique_lock<std::mutex>& lock, bool closing) {
  // A close always wakes: the transport may be stuck in a write, not waiting
  // for frames, and must learn that its session is closing (to cut that write short).
  if (wake_pending_ && !closing) return;
  wake_pending_ = true;
  lock.unlock();
  if (wake_) wake_();
}

size_t HubSession::queued() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::vector<SessionHub::SessionInfo> SessionHub::List() const {
  std::vector<std::shared_ptr<HubSession>> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [user, list] : by_user_) all.insert(all.end(), list.begin(), list.end());
  }
  // Queue depths outside the hub's lock: each session has its own.
  std::vector<SessionInfo> out;
  out.reserve(all.size());
  for (const auto& s : all) out.push_back({s->user_arn(), s->session_id(), s->queued()});
  return out;
}

bool HubSession::Push(const Frame& frame) {
  std::unique_lock lock(mu_);
  if (close_code_ != 0) return true;  // closing: nothing more to send
  if (queue_.size() >= max_queue_) {
    // A slow or dead reader: drop what it has not taken and close it, so a
    // session never holds more than max_queue_ frames.
    queue_.clear();
    close_code_ = close_code::kTryAgainLater;
    WakeLocked(lock, true);
    return false;
  }
  queue_.push_back(frame);
  WakeLocked(lock);
  return true;
}

void HubSession::Close(int code) {
  std::unique_lock lock(mu_);
  if (close_code_ != 0) return;
  close_code_ = code;
  WakeLocked(lock, true);
}

int HubSession::close_code() {
  std::lock_guard lock(mu_);
  return close_code_;
}

// ---------------------------------------------------------------------------
// SessionHub

SessionHub::Admission SessionHub::Open(const std::string& user_arn, const std::string& session_id,
                                       std::function<void()> wake) {
  Admission a;
  std::lock_guard lock(mu_);
  if (count_.load() >= options_.max_sessions) {
    a.refuse_code = close_code::kTryAgainLater;
    a.reason = "Too many messaging sessions (limit " + std::to_string(options_.max_sessions) + ")";
    return a;
  }
  auto& list = by_user_[user_arn];
  if (list.size() >= options_.max_sessions_per_user) {
    a.refuse_code = close_code::kForbidden;
    a.reason = "Too many messaging sessions for this user (limit " +
               std::to_string(options_.max_sessions_per_user) + ")";
    return a;
  }
  a.session = std::make_shared<HubSession>(user_arn, session_id, options_.max_queue_frames, std::move(wake));
  list.push_back(a.session);
  ++count_;
  if (changed_) changed_();
  return a;
}

void SessionHub::Remove(const std::shared_ptr<HubSession>& session) {
  if (!session) return;
  std::lock_guard lock(mu_);
  EraseLocked(session);
}

void SessionHub::EraseLocked(const std::shared_ptr<HubSession>& session) {
  auto it = by_user_.find(session->user_arn());
  if (it == by_user_.end()) return;
  auto& list = it->second;
  auto pos = std::find(list.begin(), list.end(), session);
  if (pos == list.end()) return;
  list.erase(pos);
  --count_;
  if (list.empty()) by_user_.erase(it);
  if (changed_) changed_();
}

void SessionHub::CloseAll(int code) {
  std::vector<std::shared_ptr<HubSession>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [user, list] : by_user_) all.insert(all.end(), list.begin(), list.end());
  }
  for (auto& s : all) s->Close(code);
}

void SessionHub::Depart(const Departures& gone) {
  if (gone.empty()) return;
  auto under_app = [&gone](const std::string& arn) {
    return std::any_of(gone.app_instances.begin(), gone.app_instances.end(), [&arn](const std::string& app) {
      return arn.size() > app.size() && arn.compare(0, app.size(), app) == 0 && arn[app.size()] == '/';
    });
  };
  std::vector<std::shared_ptr<HubSession>> closing;
  {
    std::lock_guard lock(mu_);
    for (auto it = by_user_.begin(); it != by_user_.end();) {
      const std::string& arn = it->first;
      const bool departed = gone.everyone || under_app(arn) ||
                            std::find(gone.principals.begin(), gone.principals.end(), arn) != gone.principals.end();
      if (!departed) {
        ++it;
        continue;
      }
      count_ -= it->second.size();
      closing.insert(closing.end(), it->second.begin(), it->second.end());
      it = by_user_.erase(it);
    }
  }
  for (auto& s : closing) s->Close(close_code::kUnauthorized);
}

void SessionHub::Publish(std::vector<Event>&& events) {
  std::vector<std::shared_ptr<HubSession>> targets;
  std::vector<std::shared_ptr<HubSession>> overflowed;
  for (const Event& e : events) {
    targets.clear();
    {
      std::lock_guard lock(mu_);
      for (const std::string& arn : e.recipients) {
        auto it = by_user_.find(arn);
        if (it != by_user_.end()) targets.insert(targets.end(), it->second.begin(), it->second.end());
      }
    }
    if (targets.empty()) continue;
    // Encoded once, shared by every session that receives it.
    Frame frame = std::make_shared<const std::string>(EncodeEventFrame(e));
    for (auto& s : targets) {
      if (!s->Push(frame)) overflowed.push_back(s);
    }
  }
  if (overflowed.empty()) return;
  // Out of the hub at once: the transport may take a while to get rid of a
  // client that does not read, and must not hold a session slot meanwhile.
  overflows_ += overflowed.size();
  std::lock_guard lock(mu_);
  for (auto& s : overflowed) EraseLocked(s);
}

// ---------------------------------------------------------------------------
// Frames

nlohmann::json WithIsoTimestamps(nlohmann::json payload) {
  if (payload.is_object()) {
    for (auto it = payload.begin(); it != payload.end(); ++it) {
      const std::string& key = it.key();
      const bool is_timestamp = key.size() >= 9 && key.compare(key.size() - 9, 9, "Timestamp") == 0;
      if (is_timestamp && it.value().is_number()) {
        it.value() = IsoTimestampMs(static_cast<int64_t>(std::llround(it.value().get<double>() * 1000.0)));
      } else if (it.value().is_structured()) {
        it.value() = WithIsoTimestamps(std::move(it.value()));
      }
    }
  } else if (payload.is_array()) {
    for (auto& v : payload) v = WithIsoTimestamps(std::move(v));
  }
  return payload;
}

namespace {

std::string EncodeFrame(nlohmann::json headers, const nlohmann::json& payload) {
  nlohmann::json frame = {{"Headers", std::move(headers)}};
  if (!payload.is_null()) frame["Payload"] = WithIsoTimestamps(payload).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string EncodeEventFrame(const Event& event) {
  nlohmann::json headers = {{"x-amz-chime-event-type", event.type},
                            {"x-amz-chime-message-type", event.message_type.empty() ? "SYSTEM" : event.message_type}};
  if (!event.reason.empty()) headers["x-amz-chime-event-reason"] = event.reason;
  return EncodeFrame(std::move(headers), event.Payload());
}

std::string EncodeSystemFrame(const std::string& event_type, const nlohmann::json& payload) {
  return EncodeFrame({{"x-amz-chime-event-type", event_type}, {"x-amz-chime-message-type", "SYSTEM"}}, payload);
}

}  // namespace chime::api
