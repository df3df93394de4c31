#include <cstddef>
#include <cstring>

#include "boundary.h"
#include "call_check.h"
#include "completion/completion_queue.h"
#include "core/handles.h"
#include "tether/call.h"

namespace {

using tether::Status;

tether_status submit_checked(const char* function, tether_runtime* runtime,
                             const tether_call* call,
                             const tether::CompletionTarget& target,
                             uint64_t* ticket_out) {
  if (runtime == nullptr) {
    return tether::shim::reject(function, TETHER_E_INVALID_ARG,
                                "runtime is NULL");
  }
  tether_status bad = TETHER_OK;
  if (const char* why = tether::shim::bad_call(call, &bad)) {
    return tether::shim::reject(function, bad, why);
  }
  return tether::shim::guarded(function, [&] {
    return runtime->runtime->submit(nullptr, *call, target, ticket_out);
  });
}

tether_status submit_batch_checked(
    const char* function, tether_runtime* runtime, const tether_call* calls,
    size_t count, tether_callback_fn callback, tether_cq* cq,
    const uint64_t* user_data, uint64_t* tickets_out, size_t* submitted_out) {
  if (submitted_out != nullptr) *submitted_out = 0;
  const char* why = nullptr;
  tether_status bad = TETHER_E_INVALID_ARG;
  if (runtime == nullptr)
    why = "runtime is NULL";
  else if (submitted_out == nullptr)
    why = "submitted_out is NULL";
  else if (count == 0)
    return TETHER_OK;
  else if (calls == nullptr)
    why = "calls is NULL";
  else if (user_data == nullptr)
    why = "user_data (or tags) is NULL";
  else
    why = tether::shim::bad_call(calls, &bad);
  if (why != nullptr) return tether::shim::reject(function, bad, why);
  return tether::shim::guarded(function, [&] {
    return runtime->runtime->submit_batch(
        calls, count, callback, cq != nullptr ? cq->queue : nullptr, user_data,
        tickets_out, submitted_out);
  });
}

}  // namespace

extern "C" {

TETHER_API void tether_call_init(tether_call* call) {
  if (call == nullptr) return;
  std::memset(call, 0, sizeof *call);
  call->struct_size = sizeof *call;
  call->key = TETHER_KEY_ANY;
}

TETHER_API tether_status tether_submit(tether_runtime* runtime,
                                       const tether_call* call,
                                       tether_callback_fn callback,
                                       uint64_t user_data,
                                       uint64_t* ticket_out) {
  if (callback == nullptr) {
    return tether::shim::reject("tether_submit", TETHER_E_INVALID_ARG,
                                "callback is NULL");
  }
  return submit_checked("tether_submit", runtime, call,
                        tether::CompletionTarget{callback, nullptr, user_data},
                        ticket_out);
}

TETHER_API tether_status tether_submit_cq(tether_runtime* runtime,
                                          const tether_call* call,
                                          tether_cq* cq, uint64_t tag,
                                          uint64_t* ticket_out) {
  if (cq == nullptr) {
    return tether::shim::reject("tether_submit_cq", TETHER_E_INVALID_ARG,
                                "cq is NULL");
  }
  return submit_checked("tether_submit_cq", runtime, call,
                        tether::CompletionTarget{nullptr, cq->queue, tag},
                        ticket_out);
}

TETHER_API tether_status tether_submit_batch(
    tether_runtime* runtime, const tether_call* calls, size_t count,
    tether_callback_fn callback, const uint64_t* user_data,
    uint64_t* tickets_out, size_t* submitted_out) {
  if (callback == nullptr) {
    if (submitted_out != nullptr) *submitted_out = 0;
    return tether::shim::reject("tether_submit_batch", TETHER_E_INVALID_ARG,
                                "callback is NULL");
  }
  return submit_batch_checked("tether_submit_batch", runtime, calls, count,
                              callback, nullptr, user_data, tickets_out,
                              submitted_out);
}

TETHER_API tether_status tether_submit_batch_cq(tether_runtime* runtime,
                                                const tether_call* calls,
                                                size_t count, tether_cq* cq,
                                                const uint64_t* tags,
                                                uint64_t* tickets_out,
                                                size_t* submitted_out) {
  if (cq == nullptr) {
    if (submitted_out != nullptr) *submitted_out = 0;
    return tether::shim::reject("tether_submit_batch_cq", TETHER_E_INVALID_ARG,
                                "cq is NULL");
  }
  return submit_batch_checked("tether_submit_batch_cq", runtime, calls, count,
                              nullptr, cq, tags, tickets_out, submitted_out);
}

TETHER_API tether_status tether_cancel(tether_runtime* runtime,
                                       uint64_t ticket) {
  if (runtime == nullptr) {
    return tether::shim::reject("tether_cancel", TETHER_E_INVALID_ARG,
                                "runtime is NULL");
  }
  return tether::shim::guarded(
      "tether_cancel", [&] { return runtime->runtime->cancel(ticket); });
}

}  // extern "C"
