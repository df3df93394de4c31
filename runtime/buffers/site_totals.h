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

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "buffers/call_origin.h"
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

// A live buffer a lane made inside a call (call_origin.h).
struct MadeByCall {
  uint64_t serial = 0;  // allocation order, process-wide
  uint64_t size = 0;
  std::string site;  // describe(allocated_at)
  CallOrigin origin;
};

// The `count` oldest live buffers made inside calls whose ticket carries
// `runtime_tag` (slots/slot.h), or any runtime's when it is 0; oldest
// first.
std::vector<MadeByCall> oldest_made_by_calls(std::size_t count,
                                             uint16_t runtime_tag);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_SITE_TOTALS_H_
