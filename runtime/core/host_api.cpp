#include "core/host_api.h"

#include "base/clock.h"
#include "base/firewall.h"
#include "buffers/buffer_allocator.h"
#include "buffers/site.h"
#include "core/library_loader.h"
#include "core/runtime.h"
#include "handles/handle_table.h"
#include "lanes/lane.h"
#include "log/log.h"

namespace tether {
namespace {

// The library is C: nothing may throw out of these. Each runs inside the
// firewall (the guarded_* wrappers at the end), which the table points at.

tether_status reply(uint64_t request, void* result, size_t result_len) {
  Lane* lane = Lane::current();
  if (lane == nullptr) {
    TETHER_LOG_WARNING(
        "reply: called off any lane (request %llu); result freed",
        static_cast<unsigned long long>(request));
    buffers::release(result);
    return TETHER_E_WRONG_THREAD;
  }
  return to_c(lane->runtime().reply(*lane, request, result, result_len, false,
                                    0, nullptr));
}

tether_status reply_error(uint64_t request, int32_t code, const char* message) {
  Lane* lane = Lane::current();
  if (lane == nullptr) {
    TETHER_LOG_WARNING("reply_error: called off any lane (request %llu)",
                       static_cast<unsigned long long>(request));
    return TETHER_E_WRONG_THREAD;
  }
  return to_c(
      lane->runtime().reply(*lane, request, nullptr, 0, true, code, message));
}

tether_status buf_free(void* data) { return to_c(buffers::release(data)); }

int32_t is_cancelled(uint64_t request) {
  Lane* lane = Lane::current();
  if (lane == nullptr) {
    TETHER_LOG_WARNING("is_cancelled: called off any lane (request %llu)",
                       static_cast<unsigned long long>(request));
    return 1;
  }
  return lane->runtime().has_ended(*lane, request) ? 1 : 0;
}

tether_status post(tether_lane* raw_lane, tether_lane_fn fn, void* arg) {
  if (raw_lane == nullptr || fn == nullptr) {
    TETHER_LOG_WARNING("post: NULL %s", raw_lane == nullptr ? "lane" : "fn");
    return TETHER_E_INVALID_ARG;
  }
  auto* lane = static_cast<Lane*>(raw_lane);
  return to_c(lane->loop().post(
      [fn, arg](bool ran) { fn(arg, ran ? TETHER_OK : TETHER_E_CLOSED); }));
}

tether_status timer_start(tether_lane* raw_lane, uint64_t delay_ns,
                          tether_lane_fn fn, void* arg) {
  if (raw_lane == nullptr || fn == nullptr) {
    TETHER_LOG_WARNING("timer_start: NULL %s",
                       raw_lane == nullptr ? "lane" : "fn");
    return TETHER_E_INVALID_ARG;
  }
  auto* lane = static_cast<Lane*>(raw_lane);
  if (Lane::current() != lane) {
    TETHER_LOG_WARNING("timer_start: called off lane %u", lane->index());
    return TETHER_E_WRONG_THREAD;
  }
  try {
    return to_c(lane->loop().schedule(delay_ns, [fn, arg](bool ran) {
      fn(arg, ran ? TETHER_OK : TETHER_E_CLOSED);
    }));
  } catch (...) {
    return TETHER_E_NO_MEMORY;
  }
}

tether_status gauge_register(tether_lane* raw_lane, const char* name,
                             uint32_t* gauge_out) {
  if (raw_lane == nullptr || name == nullptr || gauge_out == nullptr) {
    TETHER_LOG_WARNING("gauge_register: NULL argument");
    return TETHER_E_INVALID_ARG;
  }
  auto* lane = static_cast<Lane*>(raw_lane);
  if (Lane::current() != lane) {
    TETHER_LOG_WARNING("gauge_register: called off lane %u", lane->index());
    return TETHER_E_WRONG_THREAD;
  }
  return to_c(lane->register_gauge(name, gauge_out));
}

tether_status gauge_set(tether_lane* raw_lane, uint32_t gauge, uint64_t value) {
  if (raw_lane == nullptr) {
    TETHER_LOG_WARNING("gauge_set: NULL lane");
    return TETHER_E_INVALID_ARG;
  }
  auto* lane = static_cast<Lane*>(raw_lane);
  if (Lane::current() != lane) {
    TETHER_LOG_WARNING("gauge_set: called off lane %u", lane->index());
    return TETHER_E_WRONG_THREAD;
  }
  tether_status status = to_c(lane->set_gauge(gauge, value));
  if (status != TETHER_OK) {
    TETHER_LOG_WARNING("gauge_set: lane %u has no gauge %u", lane->index(),
                       gauge);
  }
  return status;
}

// A handle keeps the library's module loaded until its destroy function has
// run: the host may release it after the runtime that loaded the module is
// gone, and destroy's code (and the object's, often) lives in that module.
// The alternative, running destroy at unload and making later releases
// stale, would free objects hosts still hold and use. From a lane the
// module is the runtime's (no lock); from another thread it is found from
// destroy's address (the dynamic loader's lock).
Status make_handle(void* object, tether_handle_destroy_fn destroy,
                   const char* type, uint64_t* handle_out) {
  std::shared_ptr<const void> module;
  if (Lane* lane = Lane::current()) {
    module = lane->runtime().library().module;
  } else if (Status status = module_holding(
                 reinterpret_cast<const void*>(destroy), &module);
             status != Status::kOk) {
    return status;
  }
  return HandleTable::process_wide().create(object, destroy, type, handle_out,
                                            std::move(module));
}

tether_status handle_new(void* object, tether_handle_destroy_fn destroy,
                         const char* type, uint64_t* handle_out) {
  if (handle_out == nullptr) {
    TETHER_LOG_WARNING("handle_new: handle_out is NULL");
    return TETHER_E_INVALID_ARG;
  }
  return to_c(make_handle(object, destroy, type, handle_out));
}

tether_status handle_get(uint64_t handle, void** object_out) {
  if (object_out == nullptr) {
    TETHER_LOG_WARNING("handle_get: object_out is NULL");
    return TETHER_E_INVALID_ARG;
  }
  return to_c(HandleTable::process_wide().get(handle, object_out));
}

tether_status handle_retain(uint64_t handle) {
  return to_c(HandleTable::process_wide().retain(handle));
}

tether_status handle_release(uint64_t handle) {
  return to_c(HandleTable::process_wide().release(handle));
}

void log_line(int32_t level, const char* message) {
  if (level < TETHER_LOG_DEBUG) level = TETHER_LOG_DEBUG;
  if (level > TETHER_LOG_ERROR) level = TETHER_LOG_ERROR;
  const char* text = message != nullptr ? message : "(null)";
  Lane* lane = Lane::current();
  if (lane == nullptr) {
    // A thread of the library's own: the table is shared by every library,
    // so nothing says which one is calling.
    TETHER_LOG(level, "library, off tether's lanes: %s", text);
    return;
  }
  TETHER_LOG(level, "library '%s' on lane %u: %s",
             lane->runtime().library().name.c_str(), lane->index(), text);
}

// --- the firewall around each entry ---------------------------------------

// A status-returning host function `Fn`, named `kName` in log lines, run
// inside the firewall. Entries that must do more when their body throws
// (reply, buf_alloc, is_cancelled, log) have their own wrappers below.
template <const char* kName, auto Fn>
struct Guarded;
template <const char* kName, class... Args, tether_status (*Fn)(Args...)>
struct Guarded<kName, Fn> {
  static tether_status call(Args... args) noexcept {
    return firewall_status(kName, [&] { return Fn(args...); });
  }
};

constexpr char kReplyError[] = "reply_error";
constexpr char kBufFree[] = "buf_free";
constexpr char kPost[] = "post";
constexpr char kTimerStart[] = "timer_start";
constexpr char kGaugeRegister[] = "gauge_register";
constexpr char kGaugeSet[] = "gauge_set";
constexpr char kHandleNew[] = "handle_new";
constexpr char kHandleGet[] = "handle_get";
constexpr char kHandleRetain[] = "handle_retain";
constexpr char kHandleRelease[] = "handle_release";

tether_status guarded_reply(uint64_t request, void* result,
                            size_t result_len) noexcept {
  bool threw = true;
  tether_status status = firewall_status("reply", [&] {
    tether_status replied = reply(request, result, result_len);
    threw = false;
    return replied;
  });
  // reply takes the result whatever the status. Nothing that can throw
  // comes after a claim, so a reply that threw decided nothing: the call is
  // still live, and a result not yet freed is freed here.
  if (threw) {
    firewall_void("reply", [&] {
      if (buffers::is_live(result)) buffers::release(result);
    });
  }
  return status;
}

// Not inlined: the site recorded is the library's code that called it.
__attribute__((noinline)) void* guarded_buf_alloc(size_t size) noexcept {
  const buffers::Site site = TETHER_CALLER_SITE();
  return firewall<void*>("buf_alloc", nullptr, nullptr,
                         [&] { return buffers::allocate_at(size, site); });
}

int32_t guarded_is_cancelled(uint64_t request) noexcept {
  // Failing, say "ended": the library stops early and still replies.
  return firewall<int32_t>("is_cancelled", 1, 1,
                           [&] { return is_cancelled(request); });
}

void guarded_log_line(int32_t level, const char* message) noexcept {
  firewall_void("log", [&] { log_line(level, message); });
}

const tether_host_api kHostApi = {
    sizeof(tether_host_api),
    TETHER_LIBRARY_ABI_VERSION,
    0,
    &guarded_reply,
    &Guarded<kReplyError, &reply_error>::call,
    &guarded_buf_alloc,
    &Guarded<kBufFree, &buf_free>::call,
    &guarded_is_cancelled,
    &Guarded<kPost, &post>::call,
    &Guarded<kTimerStart, &timer_start>::call,
    &guarded_log_line,
    &Guarded<kGaugeRegister, &gauge_register>::call,
    &Guarded<kGaugeSet, &gauge_set>::call,
    &Guarded<kHandleNew, &handle_new>::call,
    &Guarded<kHandleGet, &handle_get>::call,
    &Guarded<kHandleRetain, &handle_retain>::call,
    &Guarded<kHandleRelease, &handle_release>::call};

}  // namespace

const tether_host_api* host_api() { return &kHostApi; }

}  // namespace tether
