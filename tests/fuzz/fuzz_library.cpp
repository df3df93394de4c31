#include "fuzz_library.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "tether/library.hpp"

namespace tether_fuzz {
namespace {

std::atomic<uint64_t> g_handle_objects{0};
std::atomic<uint64_t> g_busy{0};

// Counts one piece of the library's work for LibraryBusy() while alive: a
// handler running, or a timer or posted function not yet run or dropped.
class Busy {
 public:
  Busy() { g_busy.fetch_add(1, std::memory_order_relaxed); }
  ~Busy() { g_busy.fetch_sub(1, std::memory_order_release); }
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;
};

void DestroyHandleObject(void* object) {
  delete static_cast<uint64_t*>(object);
  g_handle_objects.fetch_sub(1, std::memory_order_relaxed);
}

// A quarter of a microsecond per payload byte: waits long enough to race a
// cancel, a deadline or a shutdown, short enough not to be what the
// fuzzer's time goes to.
std::chrono::microseconds MicrosIn(std::string_view payload, int64_t limit) {
  return std::chrono::microseconds(
      std::min<int64_t>(static_cast<int64_t>(payload.size() / 4), limit));
}

class FuzzLane {
 public:
  explicit FuzzLane(tether::Lane& lane) : lane_(lane) {}

  void handle(const tether::Request& request) {
    const Busy busy;
    const uint64_t id = request.id();
    const std::string_view payload = request.payload();
    switch (request.method()) {
      case kNoop:
        lane_.reply(request, {});
        return;
      case kEcho:
        lane_.reply(request, payload);
        return;
      case kFail:
        lane_.reply_error(request, kFailCode, "fuzz failure");
        return;
      case kThrow:
        throw std::runtime_error("fuzz handler threw");
      case kTimerReply: {
        std::string copy(payload);
        auto pending = std::make_shared<Busy>();
        if (lane_.after(MicrosIn(payload, 250), [this, id, copy, pending] {
              lane_.reply(id, copy);
            }) != TETHER_OK) {
          lane_.reply_error(request, -1, "timer refused");
        }
        return;
      }
      case kNeverReply:
        return;
      case kReplyTwice:
        lane_.reply(request, payload);
        lane_.reply(request, "second");
        return;
      case kSleep:
        std::this_thread::sleep_for(MicrosIn(payload, 100));
        lane_.reply(request, {});
        return;
      case kMakeHandle:
        MakeHandle(request);
        return;
      case kPostReply:
        if (lane_.post([this, id, pending = std::make_shared<Busy>()] {
              lane_.reply(id, "posted");
            }) != TETHER_OK) {
          lane_.reply_error(request, -1, "post refused");
        }
        return;
      default:
        lane_.reply_error(request, 404, "unknown method");
        return;
    }
  }

 private:
  void MakeHandle(const tether::Request& request) {
    auto* object = new uint64_t(request.id());
    uint64_t handle = 0;
    if (lane_.api()->handle_new(object, &DestroyHandleObject, "fuzz object",
                                &handle) != TETHER_OK) {
      delete object;
      lane_.reply_error(request, -1, "handle_new refused");
      return;
    }
    g_handle_objects.fetch_add(1, std::memory_order_relaxed);
    std::string bytes(sizeof handle, '\0');
    std::memcpy(bytes.data(), &handle, sizeof handle);
    if (lane_.reply(request, bytes) != TETHER_OK) {
      // Nobody will receive it (the call was cancelled): let it go here.
      lane_.api()->handle_release(handle);
    }
  }

  tether::Lane& lane_;
};

}  // namespace

const tether_library* FuzzLibrary() {
  return tether::library_table<FuzzLane>("fuzz");
}

uint64_t LibraryBusy() { return g_busy.load(std::memory_order_acquire); }

uint64_t HandleObjectsAlive() {
  return g_handle_objects.load(std::memory_order_relaxed);
}

}  // namespace tether_fuzz
