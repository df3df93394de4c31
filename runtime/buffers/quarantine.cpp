#include "buffers/quarantine.h"

#include <array>
#include <mutex>
#include <vector>

#include "buffers/block_check.h"
#include "buffers/block_release.h"
#include "buffers/fork_hooks.h"
#include "buffers/misuse_report.h"

namespace tether::buffers {
namespace {

constexpr const char* kLeaving = "leaving quarantine";
constexpr const char* kCheckAll = "tether_buf_check_all";

struct Quarantine {
  std::mutex mutex;
  // A ring, oldest at `oldest`. Its own copy of each block's facts.
  std::array<BlockFacts, kQuarantineBlocks> blocks{};
  std::size_t oldest = 0;
  std::size_t count = 0;
  std::size_t bytes = 0;

  BlockFacts take_oldest() {
    BlockFacts facts = blocks[oldest];
    oldest = (oldest + 1) % kQuarantineBlocks;
    --count;
    bytes -= facts.size;
    return facts;
  }
};

Quarantine& quarantine() {
  // Never destroyed: blocks may be freed from other static destructors.
  static auto* instance = [] {
    install_fork_hooks();
    return new Quarantine();
  }();
  return *instance;
}

struct Finding {
  BlockFacts facts;
  Damage damage;
  bool first_time;
};

}  // namespace

void quarantine_block(const BlockFacts& facts) {
  Quarantine& q = quarantine();
  // Blocks leave in small batches, so nothing is allocated and no block is
  // checked while the lock is held.
  std::array<BlockFacts, 8> leaving;
  std::size_t leaving_count = 0;
  bool admitted = false;
  do {
    leaving_count = 0;
    {
      std::lock_guard<std::mutex> lock(q.mutex);
      if (!admitted) {
        if (q.count == kQuarantineBlocks) {
          leaving[leaving_count++] = q.take_oldest();
        }
        q.blocks[(q.oldest + q.count) % kQuarantineBlocks] = facts;
        ++q.count;
        q.bytes += facts.size;
        admitted = true;
      }
      while (q.bytes > kQuarantineBytes && leaving_count < leaving.size()) {
        leaving[leaving_count++] = q.take_oldest();
      }
    }
    for (std::size_t i = 0; i < leaving_count; ++i) {
      finish_block(leaving[i], /*check_fill=*/true, kLeaving);
    }
  } while (leaving_count == leaving.size());
}

Status check_quarantine() {
  Quarantine& q = quarantine();
  std::vector<Finding> findings;
  {
    std::lock_guard<std::mutex> lock(q.mutex);
    for (std::size_t i = 0; i < q.count; ++i) {
      const BlockFacts& facts = q.blocks[(q.oldest + i) % kQuarantineBlocks];
      BlockHeader* header = facts.header;
      Damage damage = check_guards(header, facts.size, facts.mode);
      if (!damage) {
        damage = check_freed_fill(header);
        // Repaired, so the next write after free is seen as well and the
        // block leaves the quarantine normally.
        if (damage) refill_freed(header);
      }
      if (!damage) continue;
      findings.push_back({facts, damage, !header->damage_reported});
      header->damage_reported = true;
    }
  }
  for (const Finding& finding : findings) {
    report_damage(kCheckAll, finding.facts, finding.damage, finding.first_time);
  }
  return findings.empty() ? Status::kOk : Status::kBufferCorrupt;
}

Status drain_quarantine() {
  Quarantine& q = quarantine();
  Status status = Status::kOk;
  while (true) {
    BlockFacts facts;
    {
      std::lock_guard<std::mutex> lock(q.mutex);
      if (q.count == 0) break;
      facts = q.take_oldest();
    }
    if (finish_block(facts, /*check_fill=*/true, kLeaving) != Status::kOk) {
      status = Status::kBufferCorrupt;
    }
  }
  return status;
}

void quarantine_totals(uint64_t* count, uint64_t* bytes) {
  Quarantine& q = quarantine();
  std::lock_guard<std::mutex> lock(q.mutex);
  if (count != nullptr) *count = q.count;
  if (bytes != nullptr) *bytes = q.bytes;
}

void lock_quarantine_for_fork() { quarantine().mutex.lock(); }

void unlock_quarantine_after_fork() { quarantine().mutex.unlock(); }

}  // namespace tether::buffers
