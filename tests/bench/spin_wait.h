// Busy-waiting as every contender's caller does it: a pause instruction per
// check, so a spinning thread leaves its sibling hyperthread some room.
// Header-only; every function is thread-safe.
#ifndef TETHER_BENCH_SPIN_WAIT_H
#define TETHER_BENCH_SPIN_WAIT_H

namespace tether_bench {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// Returns once done() is true, checking it in a tight loop.
template <class Done>
inline void spin_until(Done&& done) {
  while (!done()) cpu_relax();
}

}  // namespace tether_bench

#endif  // TETHER_BENCH_SPIN_WAIT_H
