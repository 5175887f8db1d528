// Outgoing AWS calls (server/outgoing/): the per-target scheduling inside the
// retrying queue (not a second queue: RetryingQueue owns one FairQueue).
//
// FairQueue: the scheduling of outgoing calls, per target (a Lambda function,
// a Kinesis stream). Pure logic, no threads, no locking (RetryingQueue holds
// its mutex around every call); unit-tested in tests/unit/fair_queue_test.cpp.
//
// Contract:
// - Push(target, item) queues the item unless the target already has
//   `max_queued_per_target` items waiting (kTargetFull) or all targets together
//   have `max_queued` (kFull); a refused item is not kept.
// - Next() hands out the next item to run, or nothing. Targets take turns
//   (round robin over the targets with waiting items, in the order they last
//   got a turn); a target with `max_running_per_target` items running is
//   skipped, so one target whose calls hang never holds up another. Each
//   target's items come out in the order they were pushed.
// - Every item handed out counts as running for its target until Done(target).
// - Clear() drops the waiting items; running ones still get their Done().
#pragma once

#include <cstddef>
#include <deque>
#include <iterator>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace chime::server {

template <typename T>
class FairQueue {
 public:
  struct Limits {
    size_t max_running_per_target = 2;
    size_t max_queued_per_target = 256;
    size_t max_queued = 1024;
  };
  enum class PushResult { kQueued, kTargetFull, kFull };

  explicit FairQueue(Limits limits) : limits_(limits) {}

  PushResult Push(const std::string& target, T item) {
    if (queued_ >= limits_.max_queued) return PushResult::kFull;
    Target& t = targets_[target];
    if (t.waiting.size() >= limits_.max_queued_per_target) {
      Forget(target);
      return PushResult::kTargetFull;
    }
    if (t.waiting.empty()) turns_.push_back(target);
    t.waiting.push_back(std::move(item));
    ++queued_;
    return PushResult::kQueued;
  }

  std::optional<std::pair<std::string, T>> Next() {
    for (auto it = turns_.begin(); it != turns_.end(); ++it) {
      Target& t = targets_.at(*it);
      if (t.running >= limits_.max_running_per_target) continue;
      std::pair<std::string, T> out{*it, std::move(t.waiting.front())};
      t.waiting.pop_front();
      ++t.running;
      --queued_;
      turns_.erase(it);
      if (!t.waiting.empty()) turns_.push_back(out.first);  // its next turn after the others'
      return out;
    }
    return std::nullopt;
  }

  void Done(const std::string& target) {
    auto it = targets_.find(target);
    if (it == targets_.end() || it->second.running == 0) return;
    --it->second.running;
    Forget(target);
  }

  void Clear() {
    for (auto it = targets_.begin(); it != targets_.end();) {
      it->second.waiting.clear();
      it = it->second.running == 0 ? targets_.erase(it) : std::next(it);
    }
    turns_.clear();
    queued_ = 0;
  }

  size_t queued() const { return queued_; }
  size_t running(const std::string& target) const {
    auto it = targets_.find(target);
    return it == targets_.end() ? 0 : it->second.running;
  }
  const Limits& limits() const { return limits_; }

 private:
  struct Target {
    std::deque<T> waiting;
    size_t running = 0;
  };

  // A target with nothing waiting or running leaves the map (it stays bounded
  // by what is queued and running, not by how many targets were ever seen).
  void Forget(const std::string& target) {
    auto it = targets_.find(target);
    if (it != targets_.end() && it->second.waiting.empty() && it->second.running == 0)
      targets_.erase(it);
  }

  Limits limits_;
  std::unordered_map<std::string, Target> targets_;
  std::list<std::string> turns_;  // targets with waiting items; the front has the next turn
  size_t queued_ = 0;
};

}  // namespace chime::server
