// The classic peer: a worker thread fed through a mutex-protected vector of
// std::function requests, each carrying a std::function callback, written
// the way a careful engineer would: the worker swaps the whole batch out
// under the lock and runs it unlocked; a submitter notifies the condition
// variable only when the worker is waiting, and after unlocking.
//
// Thread-safety: submit() is thread-safe; the callback runs on the worker.
// Invariant: a request submitted before destruction runs before the worker
// exits.
#ifndef TETHER_BENCH_MUTEX_CONDVAR_QUEUE_H
#define TETHER_BENCH_MUTEX_CONDVAR_QUEUE_H

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tether_bench {

class MutexCondvarQueue {
 public:
  struct Request {
    std::function<void()> work;
    std::function<void()> on_done;
  };

  MutexCondvarQueue();
  MutexCondvarQueue(const MutexCondvarQueue&) = delete;
  MutexCondvarQueue& operator=(const MutexCondvarQueue&) = delete;
  // Runs what is queued, then joins the worker.
  ~MutexCondvarQueue();

  // Queues `request`; its work and then its on_done run on the worker.
  // Thread-safe. Blocks only on the mutex.
  void submit(Request request);

 private:
  void worker_loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Request> pending_;  // GUARDED_BY(mutex_)
  bool worker_waiting_ = false;   // GUARDED_BY(mutex_)
  bool stopping_ = false;         // GUARDED_BY(mutex_)
  std::thread worker_;
};

}  // namespace tether_bench

#endif  // TETHER_BENCH_MUTEX_CONDVAR_QUEUE_H
