#include <memory>

#include "boundary.h"
#include "completion/completion_queue.h"
#include "completion/queue_names.h"
#include "core/handles.h"
#include "tether/cq.h"

namespace {

// The argument checks tether_cq_poll and tether_cq_take share: why the call
// is refused, or nullptr.
const char* bad_poll_argument(const tether_cq* cq, const void* out,
                              size_t elem_size, size_t max,
                              const size_t* count_out) {
  if (cq == nullptr) return "cq is NULL";
  if (out == nullptr) return "out is NULL";
  if (count_out == nullptr) return "count_out is NULL";
  if (max == 0) return "max is 0";
  if (elem_size < TETHER_COMPLETION_MIN_SIZE)
    return "elem_size is below TETHER_COMPLETION_MIN_SIZE";
  return nullptr;
}

}  // namespace

extern "C" {

TETHER_API tether_status tether_cq_open(tether_runtime* runtime,
                                        tether_cq** cq_out) {
  if (runtime == nullptr || cq_out == nullptr) {
    return tether::shim::reject(
        "tether_cq_open", TETHER_E_INVALID_ARG,
        runtime == nullptr ? "runtime is NULL" : "cq_out is NULL");
  }
  *cq_out = nullptr;
  return tether::shim::guarded("tether_cq_open", [&] {
    tether::Runtime& rt = *runtime->runtime;
    if (rt.forked()) return tether::refused_in_forked_child("tether_cq_open");
    if (rt.closed()) return tether::refused_after_shutdown("tether_cq_open");
    // Each step may run out of memory: the handle first, then the queue,
    // then its name; what a failed step leaves behind is undone, so a
    // failed open leaks nothing and hands out nothing.
    auto handle = std::make_unique<tether_cq>();
    tether::CompletionQueue* queue = nullptr;
    // Producers: each lane, then the delivery thread.
    tether::Status status = tether::CompletionQueue::create(
        rt.id(), rt.lane_count() + 1, rt.ledger(),
        rt.options().growth_threshold, &queue);
    if (status != tether::Status::kOk) return status;
    try {
      tether::queue_names::track(queue);
    } catch (...) {
      queue->destroy();
      throw;
    }
    handle->queue = queue;
    *cq_out = handle.release();
    return tether::Status::kOk;
  });
}

TETHER_API int tether_cq_fd(const tether_cq* cq) {
  return cq == nullptr ? -1 : cq->queue->fd();
}

TETHER_API tether_status tether_cq_reset_fd(tether_cq* cq) {
  if (cq == nullptr) {
    return tether::shim::reject("tether_cq_reset_fd", TETHER_E_INVALID_ARG,
                                "cq is NULL");
  }
  return tether::shim::guarded("tether_cq_reset_fd", [&] {
    cq->queue->reset_fd();
    return tether::Status::kOk;
  });
}

TETHER_API tether_status tether_cq_take(tether_cq* cq, void* out,
                                        size_t elem_size, size_t max,
                                        size_t* count_out) {
  if (count_out != nullptr) *count_out = 0;
  if (const char* why = bad_poll_argument(cq, out, elem_size, max, count_out)) {
    return tether::shim::reject("tether_cq_take", TETHER_E_INVALID_ARG, why);
  }
  return tether::shim::guarded("tether_cq_take", [&] {
    return cq->queue->poll(out, elem_size, max, 0, count_out, /*arm=*/false);
  });
}

TETHER_API tether_status tether_cq_poll(tether_cq* cq, void* out,
                                        size_t elem_size, size_t max,
                                        uint64_t timeout_ns,
                                        size_t* count_out) {
  if (count_out != nullptr) *count_out = 0;
  if (const char* why = bad_poll_argument(cq, out, elem_size, max, count_out)) {
    return tether::shim::reject("tether_cq_poll", TETHER_E_INVALID_ARG, why);
  }
  return tether::shim::guarded("tether_cq_poll", [&] {
    return cq->queue->poll(out, elem_size, max, timeout_ns, count_out);
  });
}

TETHER_API tether_status tether_cq_shutdown(tether_cq* cq) {
  if (cq == nullptr) {
    return tether::shim::reject("tether_cq_shutdown", TETHER_E_INVALID_ARG,
                                "cq is NULL");
  }
  return tether::shim::guarded("tether_cq_shutdown", [&] {
    cq->queue->shutdown();
    return tether::Status::kOk;
  });
}

// Outside the firewall: a destroy that could fail half-way would leak what
// it could not free, so every step here is noexcept.
TETHER_API void tether_cq_destroy(tether_cq* cq) {
  if (cq == nullptr) return;
  tether::queue_names::untrack(cq->queue);
  cq->queue->destroy();
  delete cq;
}

}  // extern "C"
