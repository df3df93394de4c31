#include "boundary.h"
#include "buffers/buffer_allocator.h"
#include "tether/buffer.h"

extern "C" {

TETHER_API void* tether_buf_alloc(size_t size) {
  try {
    return tether::buffers::allocate(size);
  } catch (...) {
    return nullptr;
  }
}

TETHER_API tether_status tether_buf_free(void* data) {
  return tether::shim::guarded("tether_buf_free",
                               [&] { return tether::buffers::release(data); });
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
  try {
    tether::buffers::live_totals(count_out, bytes_out);
  } catch (...) {
  }
}

}  // extern "C"
