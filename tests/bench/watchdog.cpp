#include "watchdog.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace tether_bench {

Watchdog::Watchdog(int seconds)
    : thread_([this, seconds] {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!stop_.wait_for(lock, std::chrono::seconds(seconds),
                            [this] { return stopping_; })) {
          std::fprintf(stderr,
                       "tether_bench: still running after %d s; a call "
                       "probably never completed. Aborting.\n",
                       seconds);
          std::abort();
        }
      }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  thread_.join();
}

}  // namespace tether_bench
