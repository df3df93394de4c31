#include "buffers/buffer_watch.h"

#include <new>
#include <string>
#include <vector>

#include "buffers/site_totals.h"
#include "watch/growth_watch.h"

namespace tether::buffers {
namespace {

// The site a leak most likely comes from: the one holding the most bytes.
std::string heaviest_site() {
  try {
    std::vector<SiteTotal> sites = live_by_site();
    if (sites.empty()) return "no live buffers left";
    const SiteTotal& top = sites.front();
    std::string text = "most at " + top.name + ": " +
                       std::to_string(top.count) + " buffers, " +
                       std::to_string(top.bytes) + " bytes";
    std::vector<MadeByCall> oldest = oldest_made_by_calls(1, 0);
    if (!oldest.empty()) {
      const MadeByCall& first = oldest.front();
      text += "; the oldest made by a call: " + std::to_string(first.size) +
              " bytes at " + first.site + " by method " +
              std::to_string(first.origin.method) + ", key " +
              std::to_string(first.origin.key) + " (ticket " +
              std::to_string(first.origin.ticket) + ")";
    }
    return text;
  } catch (const std::bad_alloc&) {
    return "site unknown: out of memory";
  }
}

struct Watches {
  GrowthWatch count{"live tether buffers", kDefaultLiveCountThreshold,
                    &heaviest_site};
  GrowthWatch bytes{"live tether buffer bytes", kDefaultLiveBytesThreshold,
                    &heaviest_site};
};

Watches& watches() {
  // Never destroyed: buffers may be allocated from static destructors.
  static auto* all = new Watches();
  return *all;
}

}  // namespace

void observe_live(const LiveTotals& totals) {
  Watches& all = watches();
  all.count.observe(totals.count);
  all.bytes.observe(totals.bytes);
}

void set_live_thresholds(uint64_t count_threshold, uint64_t bytes_threshold) {
  Watches& all = watches();
  all.count.set_threshold(count_threshold == 0 ? kDefaultLiveCountThreshold
                                               : count_threshold);
  all.bytes.set_threshold(bytes_threshold == 0 ? kDefaultLiveBytesThreshold
                                               : bytes_threshold);
}

void lock_watch_for_fork() {
  watches().count.lock_for_fork();
  watches().bytes.lock_for_fork();
}

void unlock_watch_after_fork() {
  watches().bytes.unlock_after_fork();
  watches().count.unlock_after_fork();
}

}  // namespace tether::buffers
