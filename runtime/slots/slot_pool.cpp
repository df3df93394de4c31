#include "slots/slot_pool.h"

#include "base/cpu.h"

namespace tether {
namespace {

// The batch the current thread releases through, if any (see ReturnBatch).
thread_local SlotPool::ReturnBatch* t_return_batch = nullptr;

}  // namespace

SlotPool::SlotPool(uint32_t capacity, uint16_t runtime_tag)
    : capacity_(capacity),
      runtime_tag_(runtime_tag),
      slots_(new Slot[capacity]) {
  // Generations start at 1 so that ticket 0 is never valid. Pushed in
  // reverse so the first acquire returns slot 0.
  for (uint32_t i = capacity; i-- > 0;) {
    Slot& slot = slots_[i];
    slot.index = i;
    slot.word.store(slot_word::make(1, 0, slot_word::kFree),
                    std::memory_order_relaxed);
    push_chain(&slot, &slot);
  }
}

Slot* SlotPool::acquire() {
  uint64_t head = head_.load(std::memory_order_acquire);
  for (;;) {
    uint32_t top = static_cast<uint32_t>(head);
    if (top == 0) return nullptr;
    Slot* slot = &slots_[top - 1];
    // The slot was last written by whoever released it, and the submitter
    // is about to fill its first two lines: fetch both, for writing, at once.
    prefetch_for_write(slot);
    prefetch_for_write(reinterpret_cast<const char*>(slot) + kCacheLine);
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
  reset_for_next_call(slot);
  ReturnBatch* batch = t_return_batch;
  if (batch != nullptr && &batch->pool_ == this) {
    batch->add(slot);
  } else {
    push_chain(slot, slot);
  }
}

void SlotPool::reset_for_next_call(Slot* slot) {
  // Generations wrap within the ticket's 24 bits (slots/slot.h).
  uint32_t next_generation =
      (slot_word::generation(slot->word.load(std::memory_order_relaxed)) + 1) &
      ticket::kGenerationMask;
  slot->word.store(slot_word::make(next_generation, 0, slot_word::kFree),
                   std::memory_order_release);
}

Slot* SlotPool::find(uint64_t ticket_value) {
  if (ticket::runtime_tag(ticket_value) != runtime_tag_) return nullptr;
  uint32_t index = ticket::index(ticket_value);
  if (index >= capacity_) return nullptr;
  return &slots_[index];
}

void SlotPool::push_chain(Slot* first, Slot* last) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  for (;;) {
    last->next_free.store(static_cast<uint32_t>(head),
                          std::memory_order_relaxed);
    uint64_t tag = (head >> 32) + 1;
    if (head_.compare_exchange_weak(head, (tag << 32) | (first->index + 1),
                                    std::memory_order_release,
                                    std::memory_order_relaxed)) {
      return;
    }
  }
}

SlotPool::ReturnBatch::ReturnBatch(SlotPool& pool)
    : pool_(pool), outer_(t_return_batch) {
  t_return_batch = this;
}

SlotPool::ReturnBatch::~ReturnBatch() {
  flush();
  t_return_batch = outer_;
}

void SlotPool::ReturnBatch::add(Slot* slot) {
  // Chained newest first, so `first_` is the top once pushed.
  slot->next_free.store(first_ == nullptr ? 0 : first_->index + 1,
                        std::memory_order_relaxed);
  if (first_ == nullptr) last_ = slot;
  first_ = slot;
  if (++count_ == kReturnBatch) flush();
}

void SlotPool::ReturnBatch::flush() {
  if (count_ == 0) return;
  pool_.push_chain(first_, last_);
  first_ = last_ = nullptr;
  count_ = 0;
}

}  // namespace tether
