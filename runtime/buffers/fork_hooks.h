// Keeps the allocator whole across fork(): every allocator lock is taken
// before fork() and released after it in both processes, so the child never
// inherits a lock held by a thread that does not exist there.
//
// Thread safety: thread-safe; installs the hooks once per process.
#ifndef TETHER_RUNTIME_BUFFERS_FORK_HOOKS_H_
#define TETHER_RUNTIME_BUFFERS_FORK_HOOKS_H_

namespace tether::buffers {

// Called by each lock's owner (registry, quarantine, site tags) when it
// is first used.
void install_fork_hooks();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_FORK_HOOKS_H_
