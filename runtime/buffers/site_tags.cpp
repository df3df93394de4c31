#include "buffers/site_tags.h"

#include <array>
#include <atomic>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "buffers/fork_hooks.h"
#include "log/log.h"

namespace tether::buffers {
namespace {

constexpr std::size_t kTagShards = 16;
constexpr const char* kOverflowTag = "(too many site tags)";

struct TagHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

struct alignas(64) TagShard {
  std::mutex mutex;
  // Node-based: the strings never move, so their c_str() stay valid.
  std::unordered_set<std::string, TagHash, std::equal_to<>> tags;
};

std::array<TagShard, kTagShards>& tag_shards() {
  // Never destroyed: headers point into it until the process exits.
  static auto* all = [] {
    install_fork_hooks();
    return new std::array<TagShard, kTagShards>();
  }();
  return *all;
}

std::atomic<std::size_t> g_tag_count{0};
std::atomic<bool> g_overflow_logged{false};

}  // namespace

const char* intern_site_tag(const char* tag) {
  if (tag == nullptr) return nullptr;
  std::string_view text(tag, strnlen(tag, kMaxSiteTagLength));
  TagShard& shard = tag_shards()[TagHash{}(text) % kTagShards];
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto found = shard.tags.find(text);
    if (found != shard.tags.end()) return found->c_str();
    // fetch_add reserves a place: shards race only for the last few.
    if (g_tag_count.fetch_add(1, std::memory_order_relaxed) < kMaxSiteTags) {
      return shard.tags.emplace(text).first->c_str();
    }
  }
  if (!g_overflow_logged.exchange(true)) {
    TETHER_LOG_WARNING(
        "tether_buf_alloc_tagged: more than %zu distinct site tags; new tags "
        "are recorded as \"%s\" (a tag should name code, not a request)",
        kMaxSiteTags, kOverflowTag);
  }
  return kOverflowTag;
}

void lock_site_tags_for_fork() {
  for (auto& shard : tag_shards()) shard.mutex.lock();
}

void unlock_site_tags_after_fork() {
  for (auto& shard : tag_shards()) shard.mutex.unlock();
}

}  // namespace tether::buffers
