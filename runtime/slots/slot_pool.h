// A fixed pool of request slots: the calls-in-flight credit. acquire() on
// an empty pool is the "busy" answer.
//
// The free list is a lock-free stack of slot indices whose head carries an
// ABA tag. Slots are never freed while the pool lives, so reading a popped
// slot's link is always safe (a stale read only fails the CAS).
//
// The head is the one line both a submitter (acquire) and a lane (release)
// write on every call. A thread that releases many slots (a lane, the
// delivery thread) holds a ReturnBatch: its releases are chained privately
// and pushed kReturnBatch at a time with one CAS, and before it parks.
// Whoever sizes a pool adds kReturnBatch slots per batch holder, so slots
// waiting in batches never make the pool look empty; and so a lane need not
// flush between calls, which keeps the head off a ping-pong's path too (the
// submitter takes other slots meanwhile).
//
// Thread safety: acquire, release and find are thread-safe; a ReturnBatch
// belongs to the thread that made it.
#ifndef TETHER_RUNTIME_SLOTS_SLOT_POOL_H_
#define TETHER_RUNTIME_SLOTS_SLOT_POOL_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "slots/slot.h"

namespace tether {

class SlotPool {
 public:
  // Tickets of this pool's slots carry `runtime_tag` (slots/slot.h).
  // REQUIRES: capacity <= ticket::kMaxSlots; runtime_tag != 0.
  SlotPool(uint32_t capacity, uint16_t runtime_tag);
  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;

  // A free slot (its word still {generation, kFree}), or nullptr when all
  // are in use. Thread-safe.
  Slot* acquire();

  // Resets the slot for its next call: generation + 1, kFree, and pushes it
  // (or adds it to this thread's ReturnBatch for this pool, if there is one).
  // REQUIRES: every holder has let go (the caller being the last) and the
  // caller freed what the slot owned. Thread-safe.
  void release(Slot* slot);

  static constexpr uint32_t kReturnBatch = 16;

  // While alive, this thread's releases into `pool` are pushed in batches.
  // One per thread at a time; flush() before the thread sleeps.
  class ReturnBatch {
   public:
    explicit ReturnBatch(SlotPool& pool);
    ~ReturnBatch();  // flushes
    ReturnBatch(const ReturnBatch&) = delete;
    ReturnBatch& operator=(const ReturnBatch&) = delete;

    void flush();

   private:
    friend class SlotPool;
    void add(Slot* slot);

    SlotPool& pool_;
    ReturnBatch* outer_;  // the thread's previous batch, restored on exit
    Slot* first_ = nullptr;
    Slot* last_ = nullptr;
    uint32_t count_ = 0;
  };

  // The slot a ticket points at, or nullptr when it names another runtime
  // or its index is out of range. The generation is not checked here:
  // callers compare it in their CAS.
  Slot* find(uint64_t ticket_value);

  // The ticket of `slot`'s call of `generation`.
  uint64_t ticket_of(uint32_t generation, const Slot& slot) const {
    return ticket::make(runtime_tag_, generation, slot.index);
  }

  Slot& at(uint32_t index) { return slots_[index]; }
  const Slot& at(uint32_t index) const { return slots_[index]; }
  uint32_t capacity() const { return capacity_; }

 private:
  // Pushes a chain linked through next_free, first to last, with one CAS.
  void push_chain(Slot* first, Slot* last);
  void reset_for_next_call(Slot* slot);

  const uint32_t capacity_;
  const uint16_t runtime_tag_;
  std::unique_ptr<Slot[]> slots_;
  // [tag:32][index + 1:32]; index + 1 == 0 means empty.
  alignas(kCacheLine) std::atomic<uint64_t> head_{0};
};

}  // namespace tether

#endif  // TETHER_RUNTIME_SLOTS_SLOT_POOL_H_
