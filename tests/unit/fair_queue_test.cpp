// The per-target scheduling of outgoing calls (server/outgoing/fair_queue.hpp): one
// target's running or waiting calls never keep another's from starting.
#include "server/outgoing/fair_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chime::server {
namespace {

using Queue = FairQueue<int>;
using Result = Queue::PushResult;

Queue::Limits Limits(size_t running, size_t per_target, size_t total) {
  Queue::Limits l;
  l.max_running_per_target = running;
  l.max_queued_per_target = per_target;
  l.max_queued = total;
  return l;
}

// Takes up to `n` items: "target:item" each.
std::vector<std::string> Take(Queue& q, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    auto next = q.Next();
    if (!next) break;
    out.push_back(next->first + ":" + std::to_string(next->second));
  }
  return out;
}

TEST(FairQueueTest, AnotherTargetRunsWhileOneIsAtItsCap) {
  Queue q(Limits(2, 100, 100));
  for (int i = 1; i <= 6; ++i) EXPECT_EQ(q.Push("slow", i), Result::kQueued);
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"slow:1", "slow:2"}));  // the cap
  EXPECT_FALSE(q.Next());
  EXPECT_EQ(q.Push("fast", 1), Result::kQueued);
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"fast:1"}));
  EXPECT_EQ(q.running("slow"), 2u);
  EXPECT_EQ(q.queued(), 4u);
  q.Done("slow");
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"slow:3"}));
}

TEST(FairQueueTest, TargetsTakeTurnsInPushOrderWithinEach) {
  Queue q(Limits(100, 100, 100));
  for (int i = 1; i <= 3; ++i) q.Push("a", i);
  q.Push("b", 1);
  q.Push("b", 2);
  q.Push("c", 1);
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"a:1", "b:1", "c:1", "a:2", "b:2", "a:3"}));
  EXPECT_EQ(q.queued(), 0u);
}

TEST(FairQueueTest, ATargetAtItsCapKeepsItsTurn) {
  Queue q(Limits(1, 100, 100));
  q.Push("a", 1);
  q.Push("a", 2);
  q.Push("b", 1);
  q.Push("b", 2);
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"a:1", "b:1"}));
  q.Done("b");
  q.Done("a");
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"a:2", "b:2"}));
}

TEST(FairQueueTest, BoundsPerTargetAndInAll) {
  Queue q(Limits(1, 2, 3));
  EXPECT_EQ(q.Push("a", 1), Result::kQueued);
  EXPECT_EQ(q.Push("a", 2), Result::kQueued);
  EXPECT_EQ(q.Push("a", 3), Result::kTargetFull);
  EXPECT_EQ(q.Push("b", 1), Result::kQueued);
  EXPECT_EQ(q.Push("c", 1), Result::kFull);
  EXPECT_EQ(q.queued(), 3u);
  // Running items do not count against the queue bounds.
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"a:1", "b:1"}));
  EXPECT_EQ(q.Push("a", 4), Result::kQueued);
  EXPECT_EQ(q.Push("c", 1), Result::kQueued);
  EXPECT_EQ(q.queued(), 3u);
  EXPECT_EQ(q.Push("d", 1), Result::kFull);
}

TEST(FairQueueTest, ClearDropsWaitingItemsAndKeepsRunningCounts) {
  Queue q(Limits(1, 10, 10));
  q.Push("a", 1);
  q.Push("a", 2);
  ASSERT_TRUE(q.Next());
  q.Clear();
  EXPECT_EQ(q.queued(), 0u);
  EXPECT_FALSE(q.Next());
  EXPECT_EQ(q.running("a"), 1u);
  q.Push("a", 3);
  EXPECT_FALSE(q.Next());  // still at its cap
  q.Done("a");
  EXPECT_EQ(Take(q, 10), (std::vector<std::string>{"a:3"}));
  q.Done("a");
  q.Done("a");  // an extra Done changes nothing
  EXPECT_EQ(q.running("a"), 0u);
}

}  // namespace
}  // namespace chime::server
