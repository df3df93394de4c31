#include "buffers/block_registry.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include "buffers/asan_poison.h"
#include "buffers/fork_hooks.h"

namespace tether::buffers {
namespace {

// Enough shards that unrelated callers rarely meet on one lock, and few
// enough that the fork hook, which holds every shard lock (plus two more) at
// once, stays within the 64 locks ThreadSanitizer's deadlock detector tracks.
constexpr unsigned kShardBits = 5;
constexpr std::size_t kShards = std::size_t{1} << kShardBits;
static_assert(kShards == kRegistryShards);
constexpr std::size_t kRememberedFrees = kRememberedFreesPerShard;
// Blocks handed back to malloc per round, so none is freed under the lock
// and nothing is allocated to hold them.
constexpr std::size_t kForgetBatch = 8;

struct Entry {
  BlockHeader* header;
  uint64_t size;
  Mode mode;
  BlockState state;
};

struct alignas(64) Shard {
  std::mutex mutex;
  std::unordered_map<const void*, Entry> blocks;
  // A ring, oldest at remembered_oldest; each block's memory is still held
  // (facts.header). Searched only for pointers that are not in `blocks`,
  // which is always a misuse, so a scan is cheap enough.
  std::array<BlockFacts, kRememberedFrees> remembered{};
  std::size_t remembered_oldest = 0;
  std::size_t remembered_count = 0;
  std::size_t remembered_bytes = 0;  // block_bytes() of the remembered

  // The caller gives the block's memory back, outside the lock.
  BlockFacts forget_oldest() {
    BlockFacts oldest = remembered[remembered_oldest];
    remembered[remembered_oldest] = BlockFacts{};
    remembered_bytes -= block_bytes(oldest.mode, oldest.size);
    remembered_oldest = (remembered_oldest + 1) % kRememberedFrees;
    --remembered_count;
    return oldest;
  }
};

// Process-wide, not per shard, so the growth watch can see the total on
// every allocation without visiting the shards.
struct alignas(64) LiveCounters {
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> bytes{0};
};
LiveCounters g_live;

std::array<Shard, kShards>& shards() {
  // Never destroyed: buffers may be freed from other static destructors.
  static auto* all = [] {
    install_fork_hooks();
    return new std::array<Shard, kShards>();
  }();
  return *all;
}

std::size_t shard_index(const void* data) {
  auto bits = reinterpret_cast<uintptr_t>(data) >> 4;
  return (bits * 0x9E3779B97F4A7C15ULL) >> (64 - kShardBits);
}

Shard& shard_for(const void* data) { return shards()[shard_index(data)]; }

// Back to malloc: the memory no longer answers for any address.
void give_back(BlockHeader* header, std::size_t bytes) {
  unpoison(header, bytes);
  std::free(header);
}

BlockFacts facts_of(const void* data, const Entry& entry) {
  const BlockHeader& header = *entry.header;
  BlockFacts facts;
  facts.data = data;
  facts.header = entry.header;
  facts.size = entry.size;
  facts.mode = entry.mode;
  facts.sites_known = header.magic == kHeaderMagic;
  if (facts.sites_known) {
    facts.serial = header.serial;
    facts.allocated_at = header.allocated_at;
    facts.freed_at = header.freed_at;
    facts.origin = {header.origin_ticket, header.origin_key,
                    header.origin_method};
  }
  return facts;
}

const BlockFacts* find_remembered(const Shard& shard, const void* data) {
  for (std::size_t age = shard.remembered_count; age-- > 0;) {
    std::size_t index = (shard.remembered_oldest + age) % kRememberedFrees;
    if (shard.remembered[index].data == data) return &shard.remembered[index];
  }
  return nullptr;
}

}  // namespace

std::size_t registry_shard_of(const void* data) { return shard_index(data); }

LiveTotals register_block(BlockHeader* header) {
  const void* data = data_of(header);
  Shard& shard = shard_for(data);
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.blocks.insert_or_assign(
        data, Entry{header, header->size, header->mode, BlockState::kLive});
  }
  LiveTotals totals;
  totals.count = g_live.count.fetch_add(1, std::memory_order_relaxed) + 1;
  totals.bytes =
      g_live.bytes.fetch_add(header->size, std::memory_order_relaxed) +
      header->size;
  return totals;
}

Membership claim_for_free(const void* data, Site freed_by, BlockFacts* facts) {
  Shard& shard = shard_for(data);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.blocks.find(data);
  if (found == shard.blocks.end()) {
    const BlockFacts* remembered = find_remembered(shard, data);
    if (remembered == nullptr) return Membership::kForeign;
    *facts = *remembered;
    return Membership::kFreed;
  }
  Entry& entry = found->second;
  if (entry.state != BlockState::kLive) {
    *facts = facts_of(data, entry);
    return Membership::kFreed;
  }
  entry.state = BlockState::kFreed;
  entry.header->state = BlockState::kFreed;
  entry.header->freed_at = freed_by;
  g_live.count.fetch_sub(1, std::memory_order_relaxed);
  g_live.bytes.fetch_sub(entry.size, std::memory_order_relaxed);
  *facts = facts_of(data, entry);
  return Membership::kLive;
}

void remember_freed_block(const BlockFacts& facts) {
  const std::size_t bytes = block_bytes(facts.mode, facts.size);
  Shard& shard = shard_for(facts.data);
  if (bytes > kRememberedBytesPerShard) {
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      shard.blocks.erase(facts.data);
    }
    give_back(facts.header, bytes);
    return;
  }
  bool admitted = false;
  while (!admitted) {
    std::array<BlockFacts, kForgetBatch> forgotten;
    std::size_t count = 0;
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      auto full = [&] {
        return shard.remembered_count == kRememberedFrees ||
               shard.remembered_bytes + bytes > kRememberedBytesPerShard;
      };
      while (count < kForgetBatch && full()) {
        forgotten[count++] = shard.forget_oldest();
      }
      if (!full()) {
        // One step: the address is never in neither place.
        shard.blocks.erase(facts.data);
        std::size_t index = (shard.remembered_oldest + shard.remembered_count) %
                            kRememberedFrees;
        shard.remembered[index] = facts;
        ++shard.remembered_count;
        shard.remembered_bytes += bytes;
        // Under the lock: once admitted, another free may forget it.
        poison(facts.header, bytes);
        admitted = true;
      }
    }
    for (std::size_t i = 0; i < count; ++i) {
      give_back(forgotten[i].header,
                block_bytes(forgotten[i].mode, forgotten[i].size));
    }
  }
}

void retire_block(const void* data) {
  Shard& shard = shard_for(data);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.blocks.find(data);
  if (found == shard.blocks.end()) return;
  found->second.state = BlockState::kRetired;
  found->second.header->state = BlockState::kRetired;
}

Membership lookup(const void* data, std::size_t* size) {
  Shard& shard = shard_for(data);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.blocks.find(data);
  if (found == shard.blocks.end()) {
    return find_remembered(shard, data) != nullptr ? Membership::kFreed
                                                   : Membership::kForeign;
  }
  if (found->second.state != BlockState::kLive) return Membership::kFreed;
  if (size != nullptr) *size = found->second.size;
  return Membership::kLive;
}

LiveTotals registry_live_totals() {
  LiveTotals totals;
  totals.count = g_live.count.load(std::memory_order_relaxed);
  totals.bytes = g_live.bytes.load(std::memory_order_relaxed);
  return totals;
}

void for_each_live_block(const std::function<void(const BlockFacts&)>& visit) {
  for (Shard& shard : shards()) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (auto& [data, entry] : shard.blocks) {
      if (entry.state == BlockState::kLive) visit(facts_of(data, entry));
    }
  }
}

void lock_registry_for_fork() {
  for (Shard& shard : shards()) shard.mutex.lock();
}

void unlock_registry_after_fork() {
  for (Shard& shard : shards()) shard.mutex.unlock();
}

}  // namespace tether::buffers
