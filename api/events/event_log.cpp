#include "api/events/event_log.hpp"

#include <algorithm>

#include "api/common/arn.hpp"
#include "api/events/session_hub.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::api {

namespace {

bool Matches(const LoggedEvent& e, const EventQuery& q) {
  if (!q.account_id.empty() && e.account_id != q.account_id) return false;
  if (!q.channel_arn.empty() && e.event.channel_arn != q.channel_arn) return false;
  if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), e.event.type) == q.types.end()) return false;
  if (!q.member_arn.empty()) {
    const auto& r = *e.recipients;
    if (std::find(r.begin(), r.end(), q.member_arn) == r.end()) return false;
  }
  return true;
}

}  // namespace

EventLog::~EventLog() { Stop(); }

void EventLog::set_capacity(size_t capacity) {
  std::lock_guard lock(mu_);
  capacity_ = capacity;
  while (events_.size() > capacity) events_.pop_front();
}

namespace {

constexpr size_t kRecentRecipientLists = 8;

// The event without its recipients (copied field by field: the recipients may be 1,000 ARNs).
Event WithoutRecipients(const Event& e) {
  Event copy;
  copy.type = e.type;
  copy.message_type = e.message_type;
  copy.channel_arn = e.channel_arn;
  copy.sub_channel_id = e.sub_channel_id;
  copy.reason = e.reason;
  copy.payload = e.payload;
  copy.make_payload = e.make_payload;
  return copy;
}

}  // namespace

std::shared_ptr<const std::vector<std::string>> EventLog::Recent(const std::vector<std::string>& recipients) const {
  for (const auto& list : recent_recipients_) {
    if (*list == recipients) return list;
  }
  return nullptr;
}

std::shared_ptr<const std::vector<std::string>> EventLog::Keep(std::vector<std::string>&& recipients) {
  auto list = std::make_shared<const std::vector<std::string>>(std::move(recipients));
  recent_recipients_.push_front(list);
  if (recent_recipients_.size() > kRecentRecipientLists) recent_recipients_.pop_back();
  return list;
}

void EventLog::Record(const std::vector<Event>& events, int64_t now_ms) {
  if (capacity_.load() == 0 || events.empty()) return;
  std::vector<Event> copies;
  copies.reserve(events.size());
  for (const Event& e : events) copies.push_back(WithoutRecipients(e));
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < copies.size(); ++i) {
      // Compared with the lists kept; copied only when new.
      auto shared = Recent(events[i].recipients);
      if (!shared) shared = Keep(std::vector<std::string>(events[i].recipients));
      Append(std::move(copies[i]), std::move(shared), now_ms);
    }
    recorded_ = true;
    if (waiting_ == 0) return;
  }
  cv_.notify_one();
}

void EventLog::Record(std::vector<Event>&& events, int64_t now_ms) {
  if (capacity_.load() == 0 || events.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (Event& e : events) {
      auto shared = Recent(e.recipients);
      if (!shared) shared = Keep(std::move(e.recipients));
      e.recipients.clear();
      Append(std::move(e), std::move(shared), now_ms);
    }
    recorded_ = true;
    if (waiting_ == 0) return;
  }
  cv_.notify_one();
}

void EventLog::Append(Event&& e, std::shared_ptr<const std::vector<std::string>> recipients, int64_t now_ms) {
  auto logged = std::make_shared<LoggedEvent>();
  logged->seq = ++last_seq_;
  logged->time_ms = now_ms;
  ArnScope scope = ScopeOfArn(e.channel_arn);
  logged->account_id = std::move(scope.account);
  logged->region = std::move(scope.region);
  logged->event = std::move(e);
  logged->recipients = std::move(recipients);
  events_.push_back(std::move(logged));
  if (events_.size() > capacity_.load()) events_.pop_front();
}

std::vector<std::shared_ptr<const LoggedEvent>> EventLog::Find(const EventQuery& query, uint64_t& next) const {
  std::vector<std::shared_ptr<const LoggedEvent>> found;
  std::lock_guard lock(mu_);
  next = std::max(query.after, last_seq_);
  auto it = std::upper_bound(events_.begin(), events_.end(), query.after,
                             [](uint64_t after, const auto& e) { return after < e->seq; });
  for (; it != events_.end(); ++it) {
    if (!Matches(**it, query)) continue;
    if (found.size() == query.limit) {
      // More match than asked for: go on from the last one returned.
      next = found.back()->seq;
      break;
    }
    found.push_back(*it);
  }
  return found;
}

nlohmann::json EventLog::Query(const EventQuery& query) const {
  uint64_t next = 0;
  // Encoded outside the lock: the writer thread records meanwhile.
  const auto found = Find(query, next);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : found) list.push_back(Describe(*e));
  return {{"events", std::move(list)}, {"next", next}};
}

nlohmann::json EventLog::Describe(const LoggedEvent& e) {
  nlohmann::json message = nlohmann::json::parse(EncodeEventFrame(e.event));
  nlohmann::json payload = nullptr;
  if (auto it = message.find("Payload"); it != message.end() && it->is_string()) {
    payload = nlohmann::json::parse(it->get<std::string>(), nullptr, false);
  }
  return {{"seq", e.seq},
          {"time", IsoTimestampMs(e.time_ms)},
          {"accountId", e.account_id},
          {"region", e.region},
          {"channelArn", e.event.channel_arn},
          {"recipients", *e.recipients},
          {"eventType", e.event.type},
          {"messageType", message["Headers"]["x-amz-chime-message-type"]},
          {"payload", std::move(payload)},
          {"message", std::move(message)}};
}

void EventLog::Clear(const std::string& account_id) {
  std::lock_guard lock(mu_);
  if (account_id.empty()) {
    events_.clear();
    return;
  }
  std::erase_if(events_, [&account_id](const auto& e) { return e->account_id == account_id; });
}

bool EventLog::Wait(EventQuery query, std::chrono::milliseconds wait, Answer answer) {
  nlohmann::json now = Query(query);
  if (!now["events"].empty() || wait.count() <= 0) {
    answer(std::move(now));
    return true;
  }
  {
    std::unique_lock lock(mu_);
    if (stopping_) {
      lock.unlock();
      answer(std::move(now));
      return true;
    }
    if (waiting_ >= kMaxEventWaiters) return false;
    ++waiting_;
    // Events recorded since Query() looked are found by the thread's next look.
    recorded_ = true;
    waiters_.push_back({std::move(query), std::chrono::steady_clock::now() + wait, std::move(answer)});
    if (!thread_.joinable()) thread_ = std::thread([this] { WaitLoop(); });
  }
  cv_.notify_one();
  return true;
}

void EventLog::WaitLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (waiters_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || !waiters_.empty(); });
      continue;
    }
    auto earliest = waiters_.front().deadline;
    for (const auto& w : waiters_) earliest = std::min(earliest, w.deadline);
    cv_.wait_until(lock, earliest, [&] {
      return stopping_ || recorded_ || std::chrono::steady_clock::now() >= earliest;
    });
    if (stopping_) break;
    recorded_ = false;
    // Checked and answered outside the lock (Query takes it; an answer posts
    // to the transport); waits that arrive meanwhile join waiters_.
    std::vector<Waiter> checking = std::move(waiters_);
    waiters_.clear();
    lock.unlock();
    std::vector<Waiter> still;
    size_t answered = 0;
    const auto now = std::chrono::steady_clock::now();
    for (auto& w : checking) {
      nlohmann::json result = Query(w.query);
      if (result["events"].empty() && now < w.deadline) {
        // Nothing matched up to `next`: the next look starts after it.
        w.query.after = result["next"].get<uint64_t>();
        still.push_back(std::move(w));
        continue;
      }
      w.answer(std::move(result));
      ++answered;
    }
    lock.lock();
    waiting_ -= answered;
    for (auto& w : still) waiters_.push_back(std::move(w));
  }
}

void EventLog::Stop() {
  std::vector<Waiter> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    left = std::move(waiters_);
    waiters_.clear();
    waiting_ = 0;
  }
  for (auto& w : left) w.answer({{"events", nlohmann::json::array()}, {"next", w.query.after}});
}

}  // namespace chime::api
