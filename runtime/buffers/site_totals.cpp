#include "buffers/site_totals.h"

#include <algorithm>
#include <functional>
#include <tuple>
#include <unordered_map>

#include "buffers/block_registry.h"

namespace tether::buffers {
namespace {

struct SiteHash {
  std::size_t operator()(const Site& site) const {
    return std::hash<const void*>{}(site.tag) * 31 +
           std::hash<const void*>{}(site.return_address);
  }
};

}  // namespace

std::vector<SiteTotal> live_by_site() {
  std::unordered_map<Site, SiteTotal, SiteHash> by_site;
  for_each_live_block([&](const BlockFacts& facts) {
    Site site = facts.sites_known ? facts.allocated_at : Site{};
    SiteTotal& total = by_site[site];
    total.site = site;
    ++total.count;
    total.bytes += facts.size;
  });
  // Named outside the registry's locks: dladdr takes the loader's lock.
  std::vector<SiteTotal> totals;
  totals.reserve(by_site.size());
  for (auto& [site, total] : by_site) {
    total.name = describe(site);
    totals.push_back(std::move(total));
  }
  std::sort(totals.begin(), totals.end(),
            [](const SiteTotal& a, const SiteTotal& b) {
              return std::tie(b.bytes, b.count, a.name) <
                     std::tie(a.bytes, a.count, b.name);
            });
  return totals;
}

std::vector<MadeByCall> oldest_made_by_calls(std::size_t count,
                                             uint16_t runtime_tag) {
  struct Found {
    uint64_t serial;
    uint64_t size;
    Site site;
    CallOrigin origin;
  };
  std::vector<Found> found;
  for_each_live_block([&](const BlockFacts& facts) {
    if (!facts.sites_known || facts.origin.ticket == 0) return;
    if (runtime_tag != 0 &&
        static_cast<uint16_t>(facts.origin.ticket >> 48) != runtime_tag) {
      return;
    }
    found.push_back(
        {facts.serial, facts.size, facts.allocated_at, facts.origin});
  });
  const std::size_t kept = std::min(count, found.size());
  std::partial_sort(
      found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept),
      found.end(),
      [](const Found& a, const Found& b) { return a.serial < b.serial; });
  std::vector<MadeByCall> oldest;
  oldest.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) {
    oldest.push_back({found[i].serial, found[i].size, describe(found[i].site),
                      found[i].origin});
  }
  return oldest;
}

}  // namespace tether::buffers
