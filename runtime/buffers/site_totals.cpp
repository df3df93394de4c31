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

}  // namespace tether::buffers
