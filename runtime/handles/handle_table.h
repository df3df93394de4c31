// Generational handles: library objects (a cursor, a session) handed to
// hosts as 64-bit values, never as pointers. A handle is
// [generation:32][index:32]; each entry's word is [generation:32][refs:32].
//
// Invariants:
//   - refs == 0 means the entry is free; its generation was bumped when it
//     was freed, so every handle to the old object is stale from then on;
//   - get() takes a reference with a compare-and-swap that requires refs > 0
//     and the right generation, so get racing the last release either wins
//     a reference before the object is destroyed or reports stale: it never
//     hands out a freed object;
//   - a release past zero, or of a stale handle, is reported and changes
//     nothing: counts never wrap.
//
// Thread safety: everything is thread-safe and lock-free except growing
// the table by one chunk (a mutex, once per 4096 handles). Lookups of
// unrelated handles touch unrelated cache lines.
//
// Process-wide, like the buffer allocator: a handle outlives the runtime
// whose library made it. The destroy function runs on whichever thread
// drops the last reference; a library whose objects must die on their lane
// posts there from it.
//
// A handle keeps what its destroy function needs: each entry holds a
// keep-alive reference (for a library loaded by path, its module) that is
// dropped only after destroy returned, and its own copy of the type name,
// so neither the last release nor a report reads unloaded code or data.
#ifndef TETHER_RUNTIME_HANDLES_HANDLE_TABLE_H_
#define TETHER_RUNTIME_HANDLES_HANDLE_TABLE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/cpu.h"
#include "base/status.h"

namespace tether {

using HandleDestroyFn = void (*)(void* object);

class HandleTable {
 public:
  static constexpr uint32_t kChunkSize = 4096;
  static constexpr uint32_t kMaxChunks = 1024;  // 4M live handles

  static HandleTable& process_wide();

  HandleTable() = default;
  ~HandleTable();
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;

  // A new handle holding one reference. `type` names the kind of object
  // (for reports; copied). `keep_alive` is held until destroy(object) has
  // returned after the last release (the module holding destroy's code).
  // kNoMemory when the table is full or memory is exhausted (nothing is
  // created then). Never throws.
  Status create(void* object, HandleDestroyFn destroy, const char* type,
                uint64_t* handle_out,
                std::shared_ptr<const void> keep_alive = nullptr);
  // Takes a reference and returns the object. kStaleTicket if the handle is
  // released, never issued or 0.
  Status get(uint64_t handle, void** object_out);
  Status retain(uint64_t handle);
  // Drops a reference; the last one runs destroy(object) on this thread.
  Status release(uint64_t handle);

  uint64_t live() const { return live_.load(std::memory_order_relaxed); }

  struct TypeCount {
    std::string type;
    uint64_t count;
  };
  // Live handles grouped by type, for the leak report. A snapshot taken
  // while others run is approximate.
  std::vector<TypeCount> live_by_type() const;

 private:
  struct alignas(kCacheLine) Entry {
    std::atomic<uint64_t> word{0};
    std::atomic<uint32_t> next_free{0};
    void* object = nullptr;
    HandleDestroyFn destroy = nullptr;
    std::atomic<const char*> type{nullptr};  // interned: never dangles
    std::shared_ptr<const void> keep_alive;
  };
  struct Chunk {
    std::array<Entry, kChunkSize> entries;
  };

  Entry* entry(uint32_t index) const;
  // Adds a chunk of free entries. kNoMemory when the table is full or the
  // chunk cannot be allocated. REQUIRES: grow_mutex_ held.
  Status grow();
  uint32_t pop_free();
  void push_free(uint32_t index);
  Status adjust(uint64_t handle, int delta, void** object_out);

  std::array<std::atomic<Chunk*>, kMaxChunks> chunks_{};
  std::mutex grow_mutex_;
  uint32_t chunk_count_ = 0;  // GUARDED_BY(grow_mutex_)
  // [tag:32][index:32]; index 0 means empty (index 0 is never used, so
  // handle 0 is never valid).
  alignas(kCacheLine) std::atomic<uint64_t> free_head_{0};
  alignas(kCacheLine) std::atomic<uint64_t> live_{0};
};

}  // namespace tether

#endif  // TETHER_RUNTIME_HANDLES_HANDLE_TABLE_H_
