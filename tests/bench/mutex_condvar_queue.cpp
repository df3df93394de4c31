#include "mutex_condvar_queue.h"

#include <utility>

namespace tether_bench {

MutexCondvarQueue::MutexCondvarQueue() : worker_([this] { worker_loop(); }) {}

MutexCondvarQueue::~MutexCondvarQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void MutexCondvarQueue::submit(Request request) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(std::move(request));
    wake = worker_waiting_;
  }
  if (wake) wake_.notify_one();
}

void MutexCondvarQueue::worker_loop() {
  std::vector<Request> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (pending_.empty() && !stopping_) {
        worker_waiting_ = true;
        wake_.wait(lock);
        worker_waiting_ = false;
      }
      if (pending_.empty()) return;  // stopping, nothing left
      batch.swap(pending_);
    }
    for (Request& request : batch) {
      request.work();
      request.on_done();
    }
    batch.clear();
  }
}

}  // namespace tether_bench
