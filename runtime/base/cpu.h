// Cache-line size and the spin-wait hint.
#ifndef TETHER_RUNTIME_BASE_CPU_H_
#define TETHER_RUNTIME_BASE_CPU_H_

#include <cstddef>

namespace tether {

inline constexpr std::size_t kCacheLine = 64;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_CPU_H_
