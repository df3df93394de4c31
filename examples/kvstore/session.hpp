// session.hpp — the per-thread state a library typically keeps in
// thread_local storage (an interpreter, a connection, a scratch arena).
//
// Each thread gets its session on first use, and the constructor counts it
// process-wide. tether runs library code only on its lanes, so the count of
// sessions created must never exceed the number of lanes: if it does, some
// library code ran on a thread tether does not own.
#ifndef KVSTORE_SESSION_HPP
#define KVSTORE_SESSION_HPP

#include <cstdint>

namespace kvstore {

class Session {
 public:
  Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void count_request() { ++requests_handled_; }
  uint64_t requests_handled() const { return requests_handled_; }

 private:
  uint64_t requests_handled_ = 0;
};

// This thread's session, created on the first call from the thread.
Session& this_thread_session();

// Sessions created so far in the process. Thread-safe.
uint64_t sessions_created();

}  // namespace kvstore

#endif  // KVSTORE_SESSION_HPP
