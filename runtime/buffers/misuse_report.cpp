#include "buffers/misuse_report.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <string>

#include "log/log.h"
#include "tether/buffer.h"

namespace tether::buffers {
namespace {

constexpr std::size_t kProblemKinds = TETHER_BUF_PROBLEM_WRITE_AFTER_FREE + 1;

std::array<std::atomic<uint64_t>, kProblemKinds> g_problems{};

void count(int32_t problem) {
  g_problems[problem].fetch_add(1, std::memory_order_relaxed);
}

int32_t problem_of(Damage::Kind kind) {
  switch (kind) {
    case Damage::Kind::kOverwrite:
      return TETHER_BUF_PROBLEM_OVERWRITE;
    case Damage::Kind::kWriteAfterFree:
      return TETHER_BUF_PROBLEM_WRITE_AFTER_FREE;
    default:
      return TETHER_BUF_PROBLEM_UNDERWRITE;
  }
}

std::string freed_site_text(const BlockFacts& facts) {
  if (!facts.sites_known) return "unknown (header overwritten)";
  return describe(facts.freed_at);
}

std::string allocated_site_text(const BlockFacts& facts) {
  if (!facts.sites_known) return "unknown (header overwritten)";
  return describe(facts.allocated_at);
}

}  // namespace

void report_double_free(const BlockFacts& facts, Site freed_again_by) {
  count(TETHER_BUF_PROBLEM_DOUBLE_FREE);
  TETHER_LOG_WARNING(
      "tether_buf_free: double free of %p (buffer #%llu, %llu bytes, %s "
      "mode): allocated at %s; first freed at %s; freed again at %s",
      facts.data, static_cast<unsigned long long>(facts.serial),
      static_cast<unsigned long long>(facts.size), mode_name(facts.mode),
      allocated_site_text(facts).c_str(), freed_site_text(facts).c_str(),
      describe(freed_again_by).c_str());
}

void report_foreign(const char* function, const void* data, Site called_by) {
  count(TETHER_BUF_PROBLEM_FOREIGN);
  TETHER_LOG_WARNING(
      "%s: %p was not allocated by tether (not freed, not read); called at %s",
      function, data, describe(called_by).c_str());
}

void report_damage(const char* found_by, const BlockFacts& facts,
                   const Damage& damage, bool first_time) {
  if (first_time) count(problem_of(damage.kind));
  std::string where;
  if (damage.kind == Damage::Kind::kHeader) {
    where = "the header before the data";
  } else {
    char text[96];
    std::snprintf(text, sizeof text, "byte %td is 0x%02x, expected 0x%02x",
                  damage.offset, damage.found, damage.expected);
    where = text;
  }
  std::string freed = damage.kind == Damage::Kind::kWriteAfterFree ||
                              (facts.sites_known && facts.freed_at.known())
                          ? "; freed at " + freed_site_text(facts)
                          : std::string();
  TETHER_LOG_ERR(
      "tether buffers: %s in %p (buffer #%llu, %llu bytes, %s mode): %s; "
      "allocated at %s%s; found by %s",
      damage_name(damage.kind), facts.data,
      static_cast<unsigned long long>(facts.serial),
      static_cast<unsigned long long>(facts.size), mode_name(facts.mode),
      where.c_str(), allocated_site_text(facts).c_str(), freed.c_str(),
      found_by);
}

Status problem_count(int32_t problem, uint64_t* count) {
  if (problem < 0 || problem >= static_cast<int32_t>(kProblemKinds)) {
    return Status::kInvalidArg;
  }
  *count = g_problems[problem].load(std::memory_order_relaxed);
  return Status::kOk;
}

}  // namespace tether::buffers
