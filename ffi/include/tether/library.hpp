// tether/library.hpp — write a tether library as a C++ class with per-lane
// state. The one C++ header; everything it does goes through the C table in
// tether/library.h, so a library built with it links no tether code.
//
//   struct Shard {
//     explicit Shard(tether::Lane& lane) : lane_(lane) {}
//     void handle(const tether::Request& request) {
//       lane_.reply(request, "pong");   // or reply later from a timer
//     }
//     tether::Lane& lane_;
//   };
//   extern "C" const tether_library* my_library() {
//     return tether::library_table<Shard>("my-library");
//   }
//
// One Shard is constructed on each lane (in lane_start) and destroyed on it
// (in lane_stop). An exception escaping the constructor fails the runtime's
// open; one escaping handle() completes the request with TETHER_E_LIBRARY,
// code -1 and the exception's message (unless it had already replied).
#ifndef TETHER_LIBRARY_HPP
#define TETHER_LIBRARY_HPP

#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "tether/library.h"
#include "tether/status.h"

namespace tether {

// A request as the handler sees it: a borrowed view, valid until replied.
class Request {
 public:
  explicit Request(const tether_request& raw) : raw_(raw) {}
  uint64_t id() const { return raw_.id; }
  uint32_t method() const { return raw_.method; }
  uint64_t key() const { return raw_.key; }
  std::string_view payload() const {
    return {static_cast<const char*>(raw_.payload), raw_.payload_len};
  }
  const tether_request& raw() const { return raw_; }

 private:
  const tether_request& raw_;
};

// The host functions of one lane. Lives as long as the lane.
class Lane {
 public:
  Lane(const tether_host_api* api, tether_lane* lane, uint32_t index)
      : api_(api), lane_(lane), index_(index) {}
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  uint32_t index() const { return index_; }
  const tether_host_api* api() const { return api_; }

  // Replies with a copy of `bytes`. Lane only.
  tether_status reply(uint64_t request, std::string_view bytes) const {
    void* buffer = nullptr;
    if (!bytes.empty()) {
      buffer = api_->buf_alloc(bytes.size());
      if (buffer == nullptr) {
        return api_->reply_error(request, -1, "out of memory for the result");
      }
      std::memcpy(buffer, bytes.data(), bytes.size());
    }
    return api_->reply(request, buffer, bytes.size());
  }
  tether_status reply(const Request& request, std::string_view bytes) const {
    return reply(request.id(), bytes);
  }
  tether_status reply_error(uint64_t request, int32_t code,
                            const std::string& message) const {
    return api_->reply_error(request, code, message.c_str());
  }
  tether_status reply_error(const Request& request, int32_t code,
                            const std::string& message) const {
    return reply_error(request.id(), code, message);
  }
  bool cancelled(uint64_t request) const {
    return api_->is_cancelled(request) != 0;
  }
  void log(int32_t level, const std::string& message) const {
    api_->log(level, message.c_str());
  }
  tether_lane* handle() const { return lane_; }

  // A gauge tether's growth watch keeps an eye on (a table's size, a VM's
  // stack top). Lane only. Returns the id for set_gauge, or throws.
  uint32_t register_gauge(const std::string& name) const {
    uint32_t gauge = 0;
    tether_status status = api_->gauge_register(lane_, name.c_str(), &gauge);
    if (status != TETHER_OK) throw std::runtime_error("gauge_register failed");
    return gauge;
  }
  tether_status set_gauge(uint32_t gauge, uint64_t value) const {
    return api_->gauge_set(lane_, gauge, value);
  }

  // Runs fn() on this lane soon. Any thread. If the lane stops first, fn is
  // destroyed without running.
  template <class Fn>
  tether_status post(Fn&& fn) const {
    auto* boxed = new (std::nothrow) Work(this, std::forward<Fn>(fn));
    if (boxed == nullptr) return TETHER_E_NO_MEMORY;
    tether_status status = api_->post(lane_, &Work::run, boxed);
    if (status != TETHER_OK) delete boxed;
    return status;
  }

  // Runs fn() on this lane after `delay`. Lane only.
  template <class Fn>
  tether_status after(std::chrono::nanoseconds delay, Fn&& fn) const {
    auto* boxed = new (std::nothrow) Work(this, std::forward<Fn>(fn));
    if (boxed == nullptr) return TETHER_E_NO_MEMORY;
    tether_status status = api_->timer_start(
        lane_, static_cast<uint64_t>(delay.count()), &Work::run, boxed);
    if (status != TETHER_OK) delete boxed;
    return status;
  }

 private:
  struct Work {
    template <class Fn>
    Work(const Lane* owner, Fn&& fn)
        : lane(owner), body(std::forward<Fn>(fn)) {}
    static void run(void* arg, tether_status status) {
      Work* work = static_cast<Work*>(arg);
      if (status == TETHER_OK) {
        try {
          work->body();
        } catch (const std::exception& e) {
          work->lane->log(3,
                          std::string("exception in lane work: ") + e.what());
        } catch (...) {
          work->lane->log(3, "unknown exception in lane work");
        }
      }
      delete work;
    }
    const Lane* lane;
    std::function<void()> body;
  };

  const tether_host_api* api_;
  tether_lane* lane_;
  uint32_t index_;
};

namespace detail {

template <class State>
struct LaneBox {
  LaneBox(const tether_host_api* api, tether_lane* lane, uint32_t index)
      : lane(api, lane, index), state(this->lane) {}
  Lane lane;
  State state;
};

template <class State>
tether_status lane_start(const tether_host_api* api, tether_lane* lane,
                         uint32_t index, void* /*library_data*/,
                         void** lane_state) {
  try {
    *lane_state = new LaneBox<State>(api, lane, index);
    return TETHER_OK;
  } catch (const std::exception& e) {
    api->log(3, (std::string("lane_start failed: ") + e.what()).c_str());
  } catch (...) {
    api->log(3, "lane_start failed: unknown exception");
  }
  return TETHER_E_LIBRARY;
}

template <class State>
void handle(void* lane_state, const tether_request* raw) {
  auto* box = static_cast<LaneBox<State>*>(lane_state);
  Request request(*raw);
  try {
    box->state.handle(request);
  } catch (const std::exception& e) {
    box->lane.reply_error(raw->id, -1, e.what());
  } catch (...) {
    box->lane.reply_error(raw->id, -1, "unknown exception");
  }
}

template <class State>
void lane_stop(void* lane_state) {
  delete static_cast<LaneBox<State>*>(lane_state);
}

}  // namespace detail

// The table for a library whose per-lane state is `State`: constructible
// from Lane&, with void handle(const Request&).
template <class State>
const tether_library* library_table(const char* name) {
  static const tether_library table = {sizeof(tether_library),
                                       TETHER_LIBRARY_ABI_VERSION,
                                       0,
                                       name,
                                       &detail::lane_start<State>,
                                       &detail::handle<State>,
                                       &detail::lane_stop<State>};
  return &table;
}

}  // namespace tether

#endif  // TETHER_LIBRARY_HPP
