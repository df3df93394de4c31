// The moodycamel ConcurrentQueue every tether queue is, with its
// allocations routed through the allocation-failure injector
// (base/alloc_fault.h), so a test that fails the nth allocation inside an
// entry point reaches moodycamel's blocks and producers as it reaches
// tether's own mallocs.
//
// moodycamel survives a failed allocation: an enqueue returns false and a
// ProducerToken comes out !valid(). Every enqueue's result is used; every
// token tether keeps is checked when made (check_token), because the first
// enqueue through an invalid one would dereference NULL.
#ifndef TETHER_RUNTIME_QUEUES_QUEUE_TRAITS_H_
#define TETHER_RUNTIME_QUEUES_QUEUE_TRAITS_H_

#include <concurrentqueue.h>

#include <cstddef>
#include <cstdlib>
#include <new>

#include "base/alloc_fault.h"

namespace tether {

struct QueueTraits : moodycamel::ConcurrentQueueDefaultTraits {
  static void* malloc(std::size_t size) { return alloc_fault::malloc(size); }
  static void free(void* memory) { std::free(memory); }
  // No implicit producers: a token-less enqueue fails (false) rather than
  // leave a producer behind for good per thread (queues/queues.h).
  static const std::size_t INITIAL_IMPLICIT_PRODUCER_HASH_SIZE = 0;
};

template <typename T>
using Queue = moodycamel::ConcurrentQueue<T, QueueTraits>;

// Throws std::bad_alloc when moodycamel could not allocate the producer.
inline void check_token(const moodycamel::ProducerToken& token) {
  if (!token.valid()) throw std::bad_alloc();
}

}  // namespace tether

#endif  // TETHER_RUNTIME_QUEUES_QUEUE_TRAITS_H_
