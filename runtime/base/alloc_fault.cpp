#include "base/alloc_fault.h"

#include <cstdlib>

namespace tether::alloc_fault {
namespace {

std::atomic<uint64_t> g_nth{0};
std::atomic<uint64_t> g_counted{0};
std::atomic<bool> g_fired{false};

}  // namespace

void arm(uint64_t nth) {
  g_counted.store(0, std::memory_order_relaxed);
  g_fired.store(false, std::memory_order_relaxed);
  g_nth.store(nth, std::memory_order_relaxed);
  detail::g_armed.store(true, std::memory_order_seq_cst);
}

void disarm() { detail::g_armed.store(false, std::memory_order_seq_cst); }

uint64_t counted() { return g_counted.load(std::memory_order_relaxed); }

bool fired() { return g_fired.load(std::memory_order_relaxed); }

bool detail::fails_slow() {
  const uint64_t count = g_counted.fetch_add(1, std::memory_order_relaxed) + 1;
  if (count != g_nth.load(std::memory_order_relaxed)) return false;
  g_fired.store(true, std::memory_order_relaxed);
  return true;
}

void* malloc(std::size_t size) {
  if (fails()) return nullptr;
  return std::malloc(size);
}

}  // namespace tether::alloc_fault
