// Gate: a latch a test opens to let a unit it holds (on the storage writer,
// say) finish; Wait() blocks until Open().
#pragma once

#include <condition_variable>
#include <mutex>

namespace chime::testing {

class Gate {
 public:
  void Open() {
    std::lock_guard l(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock l(mu_);
    cv_.wait(l, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace chime::testing
