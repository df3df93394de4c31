// The calling thread's OS thread id (gettid), read once per thread and then
// from thread-local storage: the recorder stores it with every call, so it
// must cost a load, not a system call.
#ifndef TETHER_RUNTIME_BASE_THREAD_ID_H_
#define TETHER_RUNTIME_BASE_THREAD_ID_H_

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace tether {

namespace thread_id_detail {
// Initial-exec: no __tls_get_addr call on the submit path.
inline __attribute__((
    tls_model("initial-exec"))) thread_local uint32_t t_thread_id = 0;
}  // namespace thread_id_detail

inline uint32_t this_thread_id() {
  uint32_t& id = thread_id_detail::t_thread_id;
  if (id == 0) id = static_cast<uint32_t>(::syscall(SYS_gettid));
  return id;
}

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_THREAD_ID_H_
