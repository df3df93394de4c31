// The live buffers grouped by where they were allocated: the raw material of
// a leak report. A site is the tag the host passed to
// tether_buf_alloc_tagged() or, without one, the return address of the code
// that called tether's allocator, named "module+0xoffset" (dladdr).
//
// Thread safety: thread-safe; walks the registry one shard at a time, so the
// totals are not one atomic snapshot. Not async-signal-safe (allocates,
// takes locks, calls dladdr): never call it from a signal handler.
#ifndef TETHER_RUNTIME_BUFFERS_SITE_TOTALS_H_
#define TETHER_RUNTIME_BUFFERS_SITE_TOTALS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "buffers/site.h"

namespace tether::buffers {

struct SiteTotal {
  Site site;         // tag (interned) or return address
  std::string name;  // describe(site): the tag, or "module+0xoffset"
  uint64_t count = 0;
  uint64_t bytes = 0;
};

// One entry per allocation site with live buffers, most bytes first (then
// most buffers, then name). Buffers whose header was overwritten are
// grouped under an unknown site. Throws std::bad_alloc.
std::vector<SiteTotal> live_by_site();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_SITE_TOTALS_H_
