#include "buffers/buffer_allocator.h"

#include <pthread.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <unordered_set>

#include "log/log.h"
#include "tether/buffer.h"

namespace tether::buffers {
namespace {

// Precedes every buffer. 32 bytes keep the data 16-byte aligned.
struct alignas(16) Header {
  uint64_t magic;
  uint64_t size;
  uint64_t reserved[2];
};
static_assert(sizeof(Header) == 32);

constexpr uint64_t kLiveMagic = 0x7465746865726c76ULL;  // "tetherlv"
constexpr std::size_t kShards = 64;
// Recently freed addresses remembered per shard, to name double frees.
constexpr std::size_t kRecentFrees = 256;

struct alignas(64) Shard {
  std::mutex mutex;
  std::unordered_set<const void*> live;
  uint64_t live_bytes = 0;
  std::array<const void*, kRecentFrees> recent{};
  std::size_t recent_next = 0;
  std::unordered_multiset<const void*> recent_set;
};

std::array<Shard, kShards>& shards() {
  // Never destroyed: buffers may be freed from other static destructors.
  static auto* all = new std::array<Shard, kShards>();
  return *all;
}

Shard& shard_for(const void* data) {
  auto bits = reinterpret_cast<uintptr_t>(data) >> 4;
  return shards()[(bits * 0x9E3779B97F4A7C15ULL) >> 58];
}

void remember_free(Shard& shard, const void* data) {
  const void*& oldest = shard.recent[shard.recent_next];
  if (oldest != nullptr) {
    shard.recent_set.erase(shard.recent_set.find(oldest));
  }
  oldest = data;
  shard.recent_set.insert(data);
  shard.recent_next = (shard.recent_next + 1) % kRecentFrees;
}

void forget_free(Shard& shard, const void* data) {
  // The address was reused by a new buffer: it is live, not "freed".
  for (auto& entry : shard.recent) {
    if (entry == data) {
      shard.recent_set.erase(shard.recent_set.find(entry));
      entry = nullptr;
    }
  }
}

void lock_all_for_fork() {
  for (auto& shard : shards()) shard.mutex.lock();
}
void unlock_all_after_fork() {
  for (auto& shard : shards()) shard.mutex.unlock();
}

struct ForkHooks {
  ForkHooks() {
    pthread_atfork(&lock_all_for_fork, &unlock_all_after_fork,
                   &unlock_all_after_fork);
  }
};
const ForkHooks g_fork_hooks;

}  // namespace

void* allocate(std::size_t size) {
  if (size > TETHER_BUF_MAX_SIZE) {
    TETHER_LOG_WARNING("tether_buf_alloc: %zu bytes is over the %zu-byte limit",
                       size, static_cast<std::size_t>(TETHER_BUF_MAX_SIZE));
    return nullptr;
  }
  void* block = std::malloc(sizeof(Header) + size);
  if (block == nullptr) {
    TETHER_LOG_ERR("tether_buf_alloc: out of memory for %zu bytes", size);
    return nullptr;
  }
  auto* header = static_cast<Header*>(block);
  header->magic = kLiveMagic;
  header->size = size;
  void* data = header + 1;
  Shard& shard = shard_for(data);
  try {
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (!shard.recent_set.empty() && shard.recent_set.count(data) != 0) {
      forget_free(shard, data);
    }
    shard.live.insert(data);
    shard.live_bytes += size;
  } catch (const std::bad_alloc&) {
    std::free(block);
    TETHER_LOG_ERR("tether_buf_alloc: out of memory for the registry");
    return nullptr;
  }
  return data;
}

char* allocate_string(const char* text, std::size_t length) {
  auto* data = static_cast<char*>(allocate(length + 1));
  if (data == nullptr) return nullptr;
  if (length != 0) std::memcpy(data, text, length);
  data[length] = '\0';
  return data;
}

Status release(void* data) {
  if (data == nullptr) return Status::kOk;
  Shard& shard = shard_for(data);
  Header* header = nullptr;
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.live.find(data);
    if (it == shard.live.end()) {
      bool recently_freed = shard.recent_set.count(data) != 0;
      if (recently_freed) {
        TETHER_LOG_WARNING("tether_buf_free: double free of %p", data);
        return Status::kDoubleFree;
      }
      TETHER_LOG_WARNING(
          "tether_buf_free: %p was not allocated by tether (not freed, not "
          "read)",
          data);
      return Status::kForeignBuffer;
    }
    shard.live.erase(it);
    header = static_cast<Header*>(data) - 1;
    shard.live_bytes -= header->size;
    header->magic = 0;
    remember_free(shard, data);
  }
  std::free(header);
  return Status::kOk;
}

Status size_of(const void* data, std::size_t* size) {
  if (data == nullptr) return Status::kForeignBuffer;
  Shard& shard = shard_for(data);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.live.count(data) == 0) return Status::kForeignBuffer;
  *size = static_cast<const Header*>(data)[-1].size;
  return Status::kOk;
}

bool is_live(const void* data) {
  if (data == nullptr) return false;
  Shard& shard = shard_for(data);
  std::lock_guard<std::mutex> lock(shard.mutex);
  return shard.live.count(data) != 0;
}

void live_totals(uint64_t* count, uint64_t* bytes) {
  uint64_t total_count = 0;
  uint64_t total_bytes = 0;
  for (auto& shard : shards()) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    total_count += shard.live.size();
    total_bytes += shard.live_bytes;
  }
  if (count != nullptr) *count = total_count;
  if (bytes != nullptr) *bytes = total_bytes;
}

}  // namespace tether::buffers
