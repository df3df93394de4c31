#include "test_library.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "probe.h"
#include "tether/library.hpp"
#include "tether/tether.h"

namespace tether_test {

uint64_t CurrentThreadId() {
  return static_cast<uint64_t>(::syscall(SYS_gettid));
}

namespace {

thread_local uint32_t t_states_on_thread = 0;

// Handlers that wait for cancellation poll this often, and give up (then
// reply anyway, so a broken cancel fails a test instead of hanging it) after
// kWaitLimit.
constexpr std::chrono::milliseconds kPollPeriod{1};
constexpr int kMaxPolls =
    static_cast<int>(std::chrono::milliseconds(kWaitLimit) / kPollPeriod);

class Shard {
 public:
  explicit Shard(tether::Lane& lane) : lane_(lane), thread_(CurrentThreadId()) {
    ++t_states_on_thread;
    Probe::Get().OnStateCreated();
  }
  ~Shard() { Probe::Get().OnStateDestroyed(); }
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void handle(const tether::Request& request) {
    CheckOnLaneThread();
    Probe::Get().OnStarted(request.method(), request.id());
    const uint64_t id = request.id();
    const std::string_view payload = request.payload();
    switch (request.method()) {
      case kNoop:
        lane_.reply(request, {});
        return;
      case kEcho:
        lane_.reply(request, payload);
        return;
      case kLaneInfo:
        ReplyLaneInfo(request);
        return;
      case kAsyncTimer:
        lane_.after(std::chrono::milliseconds(DecodeU64(payload)), [this, id] {
          CheckOnLaneThread();
          lane_.reply(id, "fired");
        });
        return;
      case kNeverReply:
        return;
      case kReplyTwice:
        lane_.reply(request, "first");
        Probe::Get().RecordStatus(id, lane_.reply(request, "second"));
        return;
      case kThrow:
        throw std::runtime_error(std::string(payload));
      case kSleepMs:
        std::this_thread::sleep_for(
            std::chrono::milliseconds(DecodeU64(payload)));
        lane_.reply(request, {});
        return;
      case kWaitCancelled:
        WaitCancelledThenReply(id);
        return;
      case kRecordOrder:
        Probe::Get().AppendOrder(DecodeU64(payload, 0), DecodeU64(payload, 1));
        lane_.reply(request, {});
        return;
      case kLateReply:
        ReplyOnceCancelled(id, kMaxPolls);
        return;
      case kBlock:
        Probe::Get().WaitGate();
        lane_.reply(request, "unblocked");
        return;
      case kShutdownRuntime:
        Probe::Get().RecordStatus(
            id, tether_runtime_shutdown(
                    RuntimeIn(payload),
                    static_cast<int32_t>(DecodeU64(payload, 1)), 0));
        lane_.reply(request, {});
        return;
      case kDestroyRuntime:
        Probe::Get().RecordStatus(id,
                                  tether_runtime_destroy(RuntimeIn(payload)));
        lane_.reply(request, {});
        return;
      case kReplyError:
        lane_.reply_error(request, static_cast<int32_t>(DecodeU64(payload)),
                          std::string(payload.substr(sizeof(uint64_t))));
        return;
      case kReplyFromOtherThread:
        ReplyFromOtherThread(id);
        lane_.reply(request, "lane");
        return;
      case kReplyForeignBuffer:
        ReplyWithForeignBuffer(id);
        return;
      case kPostThenBlock:
        PostRecordingItsStatus(id);
        Probe::Get().WaitGate();
        lane_.reply(request, {});
        return;
      case kReplyToRequestIn:
        Probe::Get().RecordStatus(id, lane_.reply(DecodeU64(payload), "other"));
        lane_.reply(request, "own");
        return;
      default:
        lane_.reply_error(request, 404, "unknown method");
        return;
    }
  }

 private:
  static tether_runtime* RuntimeIn(std::string_view payload) {
    return reinterpret_cast<tether_runtime*>(
        static_cast<uintptr_t>(DecodeU64(payload)));
  }

  void CheckOnLaneThread() const {
    if (CurrentThreadId() != thread_) Probe::Get().OnForeignThreadHandle();
  }

  void ReplyLaneInfo(const tether::Request& request) {
    LaneInfo info{};
    info.lane_index = lane_.index();
    info.request_lane_index = request.raw().lane_index;
    info.states_on_thread = t_states_on_thread;
    info.thread_id = CurrentThreadId();
    lane_.reply(request, std::string_view(reinterpret_cast<const char*>(&info),
                                          sizeof info));
  }

  void WaitCancelledThenReply(uint64_t id) {
    bool saw = false;
    for (int i = 0; i < kMaxPolls && !(saw = lane_.cancelled(id)); ++i) {
      std::this_thread::sleep_for(kPollPeriod);
    }
    Probe::Get().RecordSawCancel(id, saw);
    Probe::Get().RecordStatus(id, lane_.reply(id, "late"));
  }

  void ReplyOnceCancelled(uint64_t id, int polls_left) {
    if (!lane_.cancelled(id) && polls_left > 0) {
      lane_.after(kPollPeriod, [this, id, polls_left] {
        ReplyOnceCancelled(id, polls_left - 1);
      });
      return;
    }
    CheckOnLaneThread();
    const tether_host_api* api = lane_.api();
    constexpr size_t kResultSize = 64;
    void* result = api->buf_alloc(kResultSize);
    if (result != nullptr) std::memset(result, 0x5a, kResultSize);
    Probe::Get().RecordStatus(
        id, api->reply(id, result, result == nullptr ? 0 : kResultSize));
  }

  void ReplyFromOtherThread(uint64_t id) {
    const tether_host_api* api = lane_.api();
    tether_status status = TETHER_E_INTERNAL;
    std::thread stranger([&] {
      void* result = api->buf_alloc(8);
      status = api->reply(id, result, result == nullptr ? 0 : 8);
    });
    stranger.join();
    Probe::Get().RecordStatus(id, status);
  }

  void PostRecordingItsStatus(uint64_t id) {
    auto* key = new uint64_t(id);
    tether_status status = lane_.api()->post(
        lane_.handle(),
        [](void* arg, tether_status ran_with) {
          auto* request = static_cast<uint64_t*>(arg);
          Probe::Get().AppendOrder(*request, static_cast<uint64_t>(ran_with));
          delete request;
        },
        key);
    if (status != TETHER_OK) delete key;
    Probe::Get().RecordStatus(id, status);
  }

  void ReplyWithForeignBuffer(uint64_t id) {
    void* foreign = std::malloc(16);
    tether_status status = lane_.api()->reply(id, foreign, 16);
    // tether never reads or frees a pointer it did not allocate.
    if (status == TETHER_E_INVALID_ARG) std::free(foreign);
    Probe::Get().RecordStatus(id, status);
  }

  tether::Lane& lane_;
  const uint64_t thread_;
};

struct ThrowingState {
  explicit ThrowingState(tether::Lane&) {
    throw std::runtime_error("lane state refused to start");
  }
  void handle(const tether::Request&) {}
};

tether_status FailLaneStart(const tether_host_api*, tether_lane*, uint32_t,
                            void*, void**) {
  return TETHER_E_LIBRARY;
}

void IgnoreRequest(void*, const tether_request*) {}

}  // namespace

const tether_library* TestLibrary() {
  return tether::library_table<Shard>("tether-test");
}

const tether_library* FailingLaneStartLibrary() {
  static const tether_library table = {sizeof(tether_library),
                                       TETHER_LIBRARY_ABI_VERSION,
                                       0,
                                       "failing-lane-start",
                                       &FailLaneStart,
                                       &IgnoreRequest,
                                       nullptr};
  return &table;
}

const tether_library* ThrowingStateLibrary() {
  return tether::library_table<ThrowingState>("throwing-state");
}

}  // namespace tether_test
