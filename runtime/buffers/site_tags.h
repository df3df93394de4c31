// The interned copies of the site tags hosts pass to tether_buf_alloc_tagged
// and tether_buf_free_tagged. A tag is copied once, when first seen, and
// lives until the process exits, so a header can point at it forever and a
// host may pass a temporary string.
//
// Thread safety: thread-safe; the table is sharded by the tag's hash.
//
// Invariants: at most kMaxSiteTags distinct tags are kept (tags are meant to
// name code locations, not requests); each is cut to kMaxSiteTagLength
// bytes. Past the limit every new tag maps to one shared "(too many site
// tags)" tag, logged once.
#ifndef TETHER_RUNTIME_BUFFERS_SITE_TAGS_H_
#define TETHER_RUNTIME_BUFFERS_SITE_TAGS_H_

#include <cstddef>

namespace tether::buffers {

inline constexpr std::size_t kMaxSiteTags = 4096;
inline constexpr std::size_t kMaxSiteTagLength = 127;

// The interned copy of `tag`; nullptr for nullptr. Equal texts give equal
// pointers. Thread-safe; may allocate (throws std::bad_alloc).
const char* intern_site_tag(const char* tag);

// Fork support: take every lock of the table / release them.
void lock_site_tags_for_fork();
void unlock_site_tags_after_fork();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_SITE_TAGS_H_
