// Marks bytes no one may touch, for AddressSanitizer builds (TETHER_ASAN):
// ASan then stops the process at the exact bad access, with its own report.
// Without ASan both functions do nothing.
//
// Thread safety: thread-safe in the sense ASan's shadow memory is; callers
// poison only bytes no other thread legitimately uses.
#ifndef TETHER_RUNTIME_BUFFERS_ASAN_POISON_H_
#define TETHER_RUNTIME_BUFFERS_ASAN_POISON_H_

#include <cstddef>

#if defined(TETHER_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace tether::buffers {

inline constexpr bool kAsanPoisoning =
#if defined(TETHER_ASAN)
    true;
#else
    false;
#endif

inline void poison(const void* bytes, std::size_t count) {
#if defined(TETHER_ASAN)
  ASAN_POISON_MEMORY_REGION(bytes, count);
#else
  (void)bytes;
  (void)count;
#endif
}

inline void unpoison(const void* bytes, std::size_t count) {
#if defined(TETHER_ASAN)
  ASAN_UNPOISON_MEMORY_REGION(bytes, count);
#else
  (void)bytes;
  (void)count;
#endif
}

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_ASAN_POISON_H_
