#include "buffers/block_release.h"

#include "buffers/asan_poison.h"
#include "buffers/block_check.h"
#include "buffers/misuse_report.h"

namespace tether::buffers {

Status retire_damaged_block(const BlockFacts& facts, const Damage& damage,
                            const char* found_by) {
  bool first_time = !facts.header->damage_reported;
  facts.header->damage_reported = true;
  report_damage(found_by, facts, damage, first_time);
  retire_block(facts.data);
  return Status::kBufferCorrupt;
}

Status finish_block(const BlockFacts& facts, bool check_fill,
                    const char* found_by) {
  BlockHeader* header = facts.header;
  if (Damage damage = check_guards(header, facts.size, facts.mode)) {
    return retire_damaged_block(facts, damage, found_by);
  }
  Status status = Status::kOk;
  if (check_fill) {
    if (Damage damage = check_freed_fill(header)) {
      bool first_time = !header->damage_reported;
      header->damage_reported = true;
      report_damage(found_by, facts, damage, first_time);
      status = Status::kBufferCorrupt;
    }
  }
  unpoison(header, block_bytes(facts.mode, facts.size));
  remember_freed_block(facts);
  return status;
}

}  // namespace tether::buffers
