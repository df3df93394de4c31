#include "session.hpp"

#include <atomic>

namespace kvstore {
namespace {

std::atomic<uint64_t> g_sessions_created{0};

}  // namespace

Session::Session() {
  g_sessions_created.fetch_add(1, std::memory_order_relaxed);
}

Session& this_thread_session() {
  // A function-local thread_local is constructed on first use on each
  // thread, which is what makes a stray thread visible in the count.
  thread_local Session session;
  return session;
}

uint64_t sessions_created() {
  return g_sessions_created.load(std::memory_order_relaxed);
}

}  // namespace kvstore
