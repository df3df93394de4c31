#include "slots/slot_pool.h"

namespace tether {

SlotPool::SlotPool(uint32_t capacity)
    : capacity_(capacity), slots_(new Slot[capacity]) {
  // Generations start at 1 so that ticket 0 is never valid. Pushed in
  // reverse so the first acquire returns slot 0.
  for (uint32_t i = capacity; i-- > 0;) {
    Slot& slot = slots_[i];
    slot.index = i;
    slot.word.store(slot_word::make(1, 0, slot_word::kFree),
                    std::memory_order_relaxed);
    push(&slot);
  }
}

Slot* SlotPool::acquire() {
  uint64_t head = head_.load(std::memory_order_acquire);
  for (;;) {
    uint32_t top = static_cast<uint32_t>(head);
    if (top == 0) return nullptr;
    Slot* slot = &slots_[top - 1];
    uint32_t next = slot->next_free.load(std::memory_order_relaxed);
    uint64_t tag = (head >> 32) + 1;
    if (head_.compare_exchange_weak(head, (tag << 32) | next,
                                    std::memory_order_acquire,
                                    std::memory_order_acquire)) {
      return slot;
    }
  }
}

void SlotPool::release(Slot* slot) {
  uint32_t next_generation =
      slot_word::generation(slot->word.load(std::memory_order_relaxed)) + 1;
  if (next_generation == 0) next_generation = 1;  // keep ticket 0 invalid
  slot->method = 0;
  slot->lane = 0;
  slot->key = 0;
  slot->payload = nullptr;
  slot->payload_len = 0;
  slot->payload_buffer = nullptr;
  slot->payload_heap = nullptr;
  slot->target = CompletionTarget{};
  slot->deadline_ns = 0;
  slot->ran_on_lane.store(kNoLane, std::memory_order_relaxed);
  slot->library_code = 0;
  slot->result = nullptr;
  slot->result_len = 0;
  slot->error = nullptr;
  slot->error_len = 0;
  slot->word.store(slot_word::make(next_generation, 0, slot_word::kFree),
                   std::memory_order_release);
  push(slot);
}

Slot* SlotPool::find(uint64_t ticket_value) {
  uint32_t index = ticket::index(ticket_value);
  if (index >= capacity_) return nullptr;
  return &slots_[index];
}

void SlotPool::push(Slot* slot) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  for (;;) {
    slot->next_free.store(static_cast<uint32_t>(head),
                          std::memory_order_relaxed);
    uint64_t tag = (head >> 32) + 1;
    if (head_.compare_exchange_weak(head, (tag << 32) | (slot->index + 1),
                                    std::memory_order_release,
                                    std::memory_order_relaxed)) {
      return;
    }
  }
}

}  // namespace tether
