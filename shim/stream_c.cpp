#include "boundary.h"
#include "call_check.h"
#include "completion/completion_queue.h"
#include "core/handles.h"
#include "tether/stream.h"

extern "C" {

TETHER_API tether_status tether_stream_open(tether_runtime* runtime,
                                            tether_stream** stream_out) {
  if (runtime == nullptr || stream_out == nullptr) {
    return tether::shim::reject(
        "tether_stream_open", TETHER_E_INVALID_ARG,
        runtime == nullptr ? "runtime is NULL" : "stream_out is NULL");
  }
  *stream_out = nullptr;
  return tether::shim::guarded("tether_stream_open", [&] {
    tether::Runtime& rt = *runtime->runtime;
    if (rt.forked())
      return tether::refused_in_forked_child("tether_stream_open");
    tether::ProducerPort* port = rt.closed() ? nullptr : rt.open_stream_port();
    if (port == nullptr) {
      return tether::refused_after_shutdown("tether_stream_open");
    }
    try {
      *stream_out = new tether_stream{runtime->runtime, port};
    } catch (...) {
      rt.close_stream_port(port);  // else it stays registered until destroy
      throw;
    }
    return tether::Status::kOk;
  });
}

static tether_status stream_submit(const char* function, tether_stream* stream,
                                   const tether_call* call,
                                   const tether::CompletionTarget& target,
                                   uint64_t* ticket_out) {
  if (stream == nullptr) {
    return tether::shim::reject(function, TETHER_E_INVALID_ARG,
                                "stream is NULL");
  }
  tether_status bad = TETHER_OK;
  if (const char* why = tether::shim::bad_call(call, &bad)) {
    return tether::shim::reject(function, bad, why);
  }
  return tether::shim::guarded(function, [&] {
    return stream->runtime->submit(stream->port, *call, target, ticket_out);
  });
}

TETHER_API tether_status tether_stream_submit(tether_stream* stream,
                                              const tether_call* call,
                                              tether_callback_fn callback,
                                              uint64_t user_data,
                                              uint64_t* ticket_out) {
  if (callback == nullptr) {
    return tether::shim::reject("tether_stream_submit", TETHER_E_INVALID_ARG,
                                "callback is NULL");
  }
  return stream_submit("tether_stream_submit", stream, call,
                       tether::CompletionTarget{callback, nullptr, user_data},
                       ticket_out);
}

TETHER_API tether_status tether_stream_submit_cq(tether_stream* stream,
                                                 const tether_call* call,
                                                 tether_cq* cq, uint64_t tag,
                                                 uint64_t* ticket_out) {
  if (cq == nullptr) {
    return tether::shim::reject("tether_stream_submit_cq", TETHER_E_INVALID_ARG,
                                "cq is NULL");
  }
  return stream_submit("tether_stream_submit_cq", stream, call,
                       tether::CompletionTarget{nullptr, cq->queue, tag},
                       ticket_out);
}

// Outside the firewall, as tether_cq_destroy: every step is noexcept.
TETHER_API void tether_stream_destroy(tether_stream* stream) {
  if (stream == nullptr) return;
  stream->runtime->close_stream_port(stream->port);
  // The last reference to the runtime may go here: its destructor joins
  // its threads and cannot throw.
  delete stream;
}

}  // extern "C"
