// Cache-line size, the spin-wait hint and a prefetch for writing.
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

// Asks for the line holding `address` in a state this core may write, so a
// line another core wrote arrives with ownership in one transfer, instead
// of being read shared and upgraded (a second transfer) when written.
// x86's PREFETCHW (a no-op on cores without it; __builtin_prefetch emits
// it only when compiling for such a core); elsewhere the compiler's
// write prefetch.
inline void prefetch_for_write(const void* address) {
#if defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address, 1);
#endif
}

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_CPU_H_
