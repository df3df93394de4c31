// Where a buffer was allocated or freed: the tag the host passed or, without
// one, the return address of the code that called tether. A Go host needs the
// tag: every cgo call returns into the same trampoline.
//
// Thread safety: a Site is a plain value. describe() is thread-safe but calls
// dladdr(), so it is not async-signal-safe.
//
// Invariants: `tag`, when set, is interned (site_tags.h): it has static
// storage, and equal texts have equal pointers, so sites compare by pointer.
#ifndef TETHER_RUNTIME_BUFFERS_SITE_H_
#define TETHER_RUNTIME_BUFFERS_SITE_H_

#include <string>

namespace tether::buffers {

struct Site {
  const char* tag = nullptr;  // interned; wins over return_address
  const void* return_address = nullptr;

  bool known() const { return tag != nullptr || return_address != nullptr; }
  friend bool operator==(const Site&, const Site&) = default;
};

// The caller of the function this expands in. Meaningful only in a function
// that is not inlined.
#define TETHER_CALLER_SITE() \
  (::tether::buffers::Site{nullptr, __builtin_return_address(0)})

// The tag's text; else "module+0xoffset" (plus the symbol when the module
// exports one) for the return address; else "unknown".
std::string describe(const Site& site);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_SITE_H_
