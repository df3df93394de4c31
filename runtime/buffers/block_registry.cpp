#include "buffers/block_registry.h"

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "buffers/fork_hooks.h"

namespace tether::buffers {
namespace {

// Enough shards that unrelated callers rarely meet on one lock, and few
// enough that the fork hook, which holds every shard lock (plus two more) at
// once, stays within the 64 locks ThreadSanitizer's deadlock detector tracks.
constexpr unsigned kShardBits = 5;
constexpr std::size_t kShards = std::size_t{1} << kShardBits;
// Blocks remembered per shard after their memory went back to malloc.
constexpr std::size_t kRememberedFrees = 256;

struct Entry {
  BlockHeader* header;
  uint64_t size;
  Mode mode;
  BlockState state;
};

struct alignas(64) Shard {
  std::mutex mutex;
  std::unordered_map<const void*, Entry> blocks;
  // A ring, newest at remembered_next - 1. Searched only for pointers that
  // are not in `blocks`, which is always a misuse, so a scan is cheap enough.
  std::array<BlockFacts, kRememberedFrees> remembered{};
  std::size_t remembered_next = 0;
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

Shard& shard_for(const void* data) {
  auto bits = reinterpret_cast<uintptr_t>(data) >> 4;
  return shards()[(bits * 0x9E3779B97F4A7C15ULL) >> (64 - kShardBits)];
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
  }
  return facts;
}

const BlockFacts* find_remembered(const Shard& shard, const void* data) {
  for (std::size_t age = 1; age <= kRememberedFrees; ++age) {
    std::size_t index =
        (shard.remembered_next + kRememberedFrees - age) % kRememberedFrees;
    if (shard.remembered[index].data == data) return &shard.remembered[index];
  }
  return nullptr;
}

}  // namespace

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

void forget_block(const BlockFacts& facts) {
  Shard& shard = shard_for(facts.data);
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.blocks.erase(facts.data);
  BlockFacts& slot = shard.remembered[shard.remembered_next];
  slot = facts;
  slot.header = nullptr;
  shard.remembered_next = (shard.remembered_next + 1) % kRememberedFrees;
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
