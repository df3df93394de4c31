// The engine's cross-thread queues (queues/queue_traits.h) and the items
// they carry.
//
// Every producer uses an explicit ProducerToken. Debian's moodycamel 1.0.3
// never reclaims implicit producers, so a token-less enqueue from each new
// host thread would leave one producer behind per thread, forever (Go moves
// goroutines between OS threads; thread pools churn). Explicit tokens are
// recycled by the queue when destroyed, and tether pools them anyway.
#ifndef TETHER_RUNTIME_QUEUES_QUEUES_H_
#define TETHER_RUNTIME_QUEUES_QUEUES_H_

#include <cstdint>

#include "queues/queue_traits.h"
#include "slots/slot.h"

namespace tether {

// Requests waiting for a lane: a lane's own queue, or the shared one.
using RequestQueue = Queue<Slot*>;

// Claimed calls waiting for the delivery thread to deliver them.
using DeliveryQueue = Queue<Slot*>;

// A deadline to arm on the delivery thread's timer.
struct DeadlineEntry {
  uint64_t deadline_ns = 0;
  uint64_t ticket = 0;
};
using DeadlineQueue = Queue<DeadlineEntry>;

}  // namespace tether

#endif  // TETHER_RUNTIME_QUEUES_QUEUES_H_
