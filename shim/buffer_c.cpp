#include "boundary.h"
#include "buffers/buffer_allocator.h"
#include "buffers/buffer_mode.h"
#include "buffers/buffer_watch.h"
#include "buffers/integrity_check.h"
#include "buffers/misuse_report.h"
#include "buffers/site_tags.h"
#include "tether/buffer.h"

namespace {

// The tag if there is one (interned), else the caller's return address.
tether::buffers::Site site_of(const char* site_tag, const void* caller) {
  if (site_tag == nullptr) return {nullptr, caller};
  return {tether::buffers::intern_site_tag(site_tag), nullptr};
}

}  // namespace

extern "C" {

TETHER_API void* tether_buf_alloc(size_t size) {
  const tether::buffers::Site caller = TETHER_CALLER_SITE();
  return tether::firewall<void*>("tether_buf_alloc", nullptr, nullptr, [&] {
    return tether::buffers::allocate_at(size, caller);
  });
}

TETHER_API void* tether_buf_alloc_tagged(size_t size, const char* site_tag) {
  const void* caller = __builtin_return_address(0);
  return tether::firewall<void*>(
      "tether_buf_alloc_tagged", nullptr, nullptr, [&] {
        return tether::buffers::allocate_at(size, site_of(site_tag, caller));
      });
}

TETHER_API tether_status tether_buf_free(void* data) {
  tether::buffers::Site caller = TETHER_CALLER_SITE();
  return tether::shim::guarded("tether_buf_free", [&] {
    return tether::buffers::release_at(data, caller);
  });
}

TETHER_API tether_status tether_buf_free_tagged(void* data,
                                                const char* site_tag) {
  const void* caller = __builtin_return_address(0);
  return tether::shim::guarded("tether_buf_free_tagged", [&] {
    return tether::buffers::release_at(data, site_of(site_tag, caller));
  });
}

TETHER_API tether_status tether_buf_size(const void* data, size_t* size_out) {
  if (size_out == nullptr) {
    return tether::shim::reject("tether_buf_size", TETHER_E_INVALID_ARG,
                                "size_out is NULL");
  }
  return tether::shim::guarded("tether_buf_size", [&] {
    tether::Status status = tether::buffers::size_of(data, size_out);
    if (status != tether::Status::kOk) {
      tether::shim::reject("tether_buf_size", to_c(status),
                           "not a live tether buffer");
    }
    return status;
  });
}

TETHER_API void tether_buf_live(uint64_t* count_out, uint64_t* bytes_out) {
  tether::shim::guarded_void("tether_buf_live", [&] {
    tether::buffers::live_totals(count_out, bytes_out);
  });
}

TETHER_API void tether_buf_set_growth_threshold(uint64_t count_threshold,
                                                uint64_t bytes_threshold) {
  tether::shim::guarded_void("tether_buf_set_growth_threshold", [&] {
    tether::buffers::set_live_thresholds(count_threshold, bytes_threshold);
  });
}

TETHER_API tether_status tether_buf_set_mode(int32_t mode) {
  return tether::shim::guarded("tether_buf_set_mode", [&] {
    tether::Status status = tether::buffers::set_mode(mode);
    if (status != tether::Status::kOk) {
      tether::shim::reject("tether_buf_set_mode", to_c(status),
                           "mode is not a TETHER_BUF_MODE_* value");
    }
    return status;
  });
}

TETHER_API int32_t tether_buf_mode(void) {
  return tether::firewall<int32_t>(
      "tether_buf_mode", TETHER_BUF_MODE_RELEASE, TETHER_BUF_MODE_RELEASE,
      [] { return static_cast<int32_t>(tether::buffers::current_mode()); });
}

TETHER_API tether_status tether_buf_check_all(void) {
  return tether::shim::guarded("tether_buf_check_all",
                               [] { return tether::buffers::check_all(); });
}

TETHER_API tether_status tether_buf_problems(int32_t problem,
                                             uint64_t* count_out) {
  if (count_out == nullptr) {
    return tether::shim::reject("tether_buf_problems", TETHER_E_INVALID_ARG,
                                "count_out is NULL");
  }
  return tether::shim::guarded("tether_buf_problems", [&] {
    tether::Status status = tether::buffers::problem_count(problem, count_out);
    if (status != tether::Status::kOk) {
      tether::shim::reject("tether_buf_problems", to_c(status),
                           "not a TETHER_BUF_PROBLEM_* value");
    }
    return status;
  });
}

}  // extern "C"
