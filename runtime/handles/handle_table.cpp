#include "handles/handle_table.h"

#include <map>
#include <memory>
#include <new>

#include "base/fault_injection.h"
#include "handles/type_names.h"
#include "log/log.h"

namespace tether {
namespace {

constexpr uint64_t make_word(uint32_t generation, uint32_t refs) {
  return (uint64_t{generation} << 32) | refs;
}
constexpr uint32_t generation_of(uint64_t value) {
  return static_cast<uint32_t>(value >> 32);
}
constexpr uint32_t low_of(uint64_t value) {
  return static_cast<uint32_t>(value);
}

}  // namespace

HandleTable& HandleTable::process_wide() {
  // Never destroyed: handles may be released from other static destructors.
  static auto* table = new HandleTable();
  return *table;
}

HandleTable::~HandleTable() {
  for (auto& chunk : chunks_) delete chunk.load();
}

HandleTable::Entry* HandleTable::entry(uint32_t index) const {
  Chunk* chunk = chunks_[index / kChunkSize].load(std::memory_order_acquire);
  return chunk == nullptr ? nullptr : &chunk->entries[index % kChunkSize];
}

uint32_t HandleTable::pop_free() {
  uint64_t head = free_head_.load(std::memory_order_acquire);
  for (;;) {
    uint32_t index = low_of(head);
    if (index == 0) return 0;
    uint32_t next = entry(index)->next_free.load(std::memory_order_relaxed);
    uint64_t tagged = make_word(generation_of(head) + 1, next);
    if (free_head_.compare_exchange_weak(head, tagged,
                                         std::memory_order_acquire,
                                         std::memory_order_acquire)) {
      return index;
    }
  }
}

void HandleTable::push_free(uint32_t index) {
  Entry* freed = entry(index);
  uint64_t head = free_head_.load(std::memory_order_relaxed);
  for (;;) {
    freed->next_free.store(low_of(head), std::memory_order_relaxed);
    uint64_t tagged = make_word(generation_of(head) + 1, index);
    if (free_head_.compare_exchange_weak(head, tagged,
                                         std::memory_order_release,
                                         std::memory_order_relaxed)) {
      return;
    }
  }
}

Status HandleTable::grow() {
  if (chunk_count_ == kMaxChunks) {
    TETHER_LOG_ERR("handle table full (%u handles live)",
                   kMaxChunks * kChunkSize);
    return Status::kNoMemory;
  }
  // The library calling handle_new is C: no std::bad_alloc may leave here.
  auto* chunk = new (std::nothrow) Chunk();
  if (chunk == nullptr) {
    TETHER_LOG_ERR("handle table: out of memory for %u more handles",
                   kChunkSize);
    return Status::kNoMemory;
  }
  uint32_t first = chunk_count_ * kChunkSize;
  chunks_[chunk_count_].store(chunk, std::memory_order_release);
  ++chunk_count_;
  // Entries start at generation 1; index 0 stays unused.
  for (uint32_t i = kChunkSize; i-- > 0;) {
    uint32_t candidate = first + i;
    entry(candidate)->word.store(make_word(1, 0), std::memory_order_relaxed);
    if (candidate != 0) push_free(candidate);
  }
  return Status::kOk;
}

Status HandleTable::create(void* object, HandleDestroyFn destroy,
                           const char* type, uint64_t* handle_out,
                           std::shared_ptr<const void> keep_alive) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  const char* type_name = nullptr;
  try {
    type_name = intern_type_name(type);
  } catch (const std::bad_alloc&) {
    TETHER_LOG_ERR("handle table: out of memory for a type name");
    return Status::kNoMemory;
  }
  uint32_t index = pop_free();
  if (index == 0) {
    std::lock_guard<std::mutex> lock(grow_mutex_);
    index = pop_free();  // another thread may have grown the table
    if (index == 0) {
      if (Status status = grow(); status != Status::kOk) return status;
      index = pop_free();
    }
  }
  Entry* slot = entry(index);
  slot->object = object;
  slot->destroy = destroy;
  slot->keep_alive = std::move(keep_alive);
  slot->type.store(type_name, std::memory_order_relaxed);
  uint32_t generation =
      generation_of(slot->word.load(std::memory_order_relaxed));
  slot->word.store(make_word(generation, 1), std::memory_order_release);
  live_.fetch_add(1, std::memory_order_relaxed);
  *handle_out = make_word(generation, index);
  return Status::kOk;
}

Status HandleTable::adjust(uint64_t handle, int delta, void** object_out) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  auto stale = [handle] {
    TETHER_LOG_WARNING(
        "handle %llu is stale (its last reference was released, or it was "
        "never issued)",
        static_cast<unsigned long long>(handle));
    return Status::kStaleTicket;
  };
  uint32_t index = low_of(handle);
  Entry* slot =
      index == 0 || index >= kMaxChunks * kChunkSize ? nullptr : entry(index);
  if (slot == nullptr) return stale();
  uint64_t word = slot->word.load(std::memory_order_acquire);
  for (;;) {
    uint32_t refs = low_of(word);
    if (generation_of(word) != generation_of(handle) || refs == 0) {
      return stale();
    }
    if (delta > 0 && refs == UINT32_MAX) {
      TETHER_LOG_WARNING("handle %llu has 2^32 - 1 references already",
                         static_cast<unsigned long long>(handle));
      return Status::kTooLarge;
    }
    uint64_t updated =
        make_word(generation_of(word), delta > 0 ? refs + 1 : refs - 1);
    if (slot->word.compare_exchange_weak(word, updated,
                                         std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
      if (object_out != nullptr) *object_out = slot->object;
      if (low_of(updated) != 0) return Status::kOk;
      break;
    }
  }
  // That was the last reference: destroy, then make every old handle stale.
  void* object = slot->object;
  HandleDestroyFn destroy = slot->destroy;
  if (destroy != nullptr) {
    try {
      destroy(object);
    } catch (...) {
      TETHER_LOG_ERR("a handle's destroy function threw (handle %llu)",
                     static_cast<unsigned long long>(handle));
    }
  }
  slot->object = nullptr;
  slot->destroy = nullptr;
  // Out of the slot before it is reused; dropped (perhaps unloading the
  // module destroy ran in) only once nothing here needs it.
  std::shared_ptr<const void> keep_alive = std::move(slot->keep_alive);
  uint32_t next_generation = generation_of(handle) + 1;
  if (next_generation == 0) next_generation = 1;
  slot->word.store(make_word(next_generation, 0), std::memory_order_release);
  live_.fetch_sub(1, std::memory_order_relaxed);
  push_free(index);
  return Status::kOk;
}

Status HandleTable::get(uint64_t handle, void** object_out) {
  return adjust(handle, +1, object_out);
}

Status HandleTable::retain(uint64_t handle) {
  return adjust(handle, +1, nullptr);
}

Status HandleTable::release(uint64_t handle) {
  return adjust(handle, -1, nullptr);
}

std::vector<HandleTable::TypeCount> HandleTable::live_by_type() const {
  std::map<std::string, uint64_t> counts;
  for (uint32_t c = 0; c < kMaxChunks; ++c) {
    Chunk* chunk = chunks_[c].load(std::memory_order_acquire);
    if (chunk == nullptr) break;
    for (const Entry& slot : chunk->entries) {
      if (low_of(slot.word.load(std::memory_order_acquire)) != 0) {
        ++counts[slot.type.load(std::memory_order_relaxed)];
      }
    }
  }
  std::vector<TypeCount> result;
  for (auto& [type, count] : counts) result.push_back({type, count});
  return result;
}

}  // namespace tether
