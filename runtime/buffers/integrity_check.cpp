#include "buffers/integrity_check.h"

#include <vector>

#include "buffers/block_check.h"
#include "buffers/block_registry.h"
#include "buffers/misuse_report.h"
#include "buffers/quarantine.h"

namespace tether::buffers {
namespace {

constexpr const char* kCheckAll = "tether_buf_check_all";

struct Finding {
  BlockFacts facts;
  Damage damage;
  bool first_time;
};

}  // namespace

Status check_all() {
  std::vector<Finding> findings;
  for_each_live_block([&](const BlockFacts& facts) {
    Damage damage = check_guards(facts.header, facts.size, facts.mode);
    if (!damage) return;
    findings.push_back({facts, damage, !facts.header->damage_reported});
    facts.header->damage_reported = true;
  });
  for (const Finding& finding : findings) {
    report_damage(kCheckAll, finding.facts, finding.damage, finding.first_time);
  }
  Status quarantine = check_quarantine();
  return findings.empty() ? quarantine : Status::kBufferCorrupt;
}

}  // namespace tether::buffers
