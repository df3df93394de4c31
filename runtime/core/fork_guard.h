// Fork detection. A runtime's threads do not exist in a forked child, so
// every call on a runtime made before fork() must say so instead of waiting
// for them. A pthread_atfork child handler bumps an epoch; a runtime
// compares it with the epoch it was opened in (one relaxed load).
#ifndef TETHER_RUNTIME_CORE_FORK_GUARD_H_
#define TETHER_RUNTIME_CORE_FORK_GUARD_H_

#include <cstdint>

namespace tether {

uint64_t fork_epoch();

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_FORK_GUARD_H_
