#include "core/fork_guard.h"

#include <pthread.h>

#include <atomic>

namespace tether {
namespace {

std::atomic<uint64_t> g_epoch{0};

void on_fork_child() { g_epoch.fetch_add(1, std::memory_order_relaxed); }

struct Registration {
  Registration() { pthread_atfork(nullptr, nullptr, &on_fork_child); }
};
const Registration g_registration;

}  // namespace

uint64_t fork_epoch() { return g_epoch.load(std::memory_order_relaxed); }

}  // namespace tether
