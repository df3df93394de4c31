#include "buffers/fork_hooks.h"

#include <pthread.h>

#include "buffers/block_registry.h"
#include "buffers/buffer_watch.h"
#include "buffers/quarantine.h"
#include "buffers/site_tags.h"

namespace tether::buffers {
namespace {

// No allocator path holds two of these locks at once (the growth watch
// names a site after releasing its own), so any fixed order is
// deadlock-free; release runs in reverse.
void lock_all_before_fork() {
  lock_watch_for_fork();
  lock_site_tags_for_fork();
  lock_quarantine_for_fork();
  lock_registry_for_fork();
}

void unlock_all_after_fork() {
  unlock_registry_after_fork();
  unlock_quarantine_after_fork();
  unlock_site_tags_after_fork();
  unlock_watch_after_fork();
}

}  // namespace

void install_fork_hooks() {
  static const bool installed = [] {
    pthread_atfork(&lock_all_before_fork, &unlock_all_after_fork,
                   &unlock_all_after_fork);
    return true;
  }();
  (void)installed;
}

}  // namespace tether::buffers
