// The API fuzzer's second thread, started once and handed each sequence's
// share of the operations: starting and joining a thread per input cost
// more than most sequences take to run.
#ifndef TETHER_TESTS_FUZZ_HELPER_THREAD_H
#define TETHER_TESTS_FUZZ_HELPER_THREAD_H

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tether_fuzz {

class HelperThread {
 public:
  // Starts `job` on the helper thread; Wait() returns once it has run.
  void Start(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_started_) {
      // Detached: the process ends with it parked, never joined.
      std::thread([this] { Loop(); }).detach();
      thread_started_ = true;
    }
    job_ = std::move(job);
    done_ = false;
    changed_.notify_all();
  }

  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return done_; });
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return job_ != nullptr; });
      std::function<void()> job = std::move(job_);
      job_ = nullptr;
      lock.unlock();
      job();
      lock.lock();
      done_ = true;
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> job_;  // GUARDED_BY(mutex_)
  bool done_ = true;           // GUARDED_BY(mutex_)
  bool thread_started_ = false;
};

}  // namespace tether_fuzz

#endif  // TETHER_TESTS_FUZZ_HELPER_THREAD_H
