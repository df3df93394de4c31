// The floor for a lane parked in its reactor, as tether's lanes park inside
// Asio's epoll: the caller writes a request eventfd; the echo thread, asleep
// in epoll_wait on it, wakes, reads it, runs the handler and writes a reply
// eventfd; the caller sleeps in its own epoll_wait on that one and reads
// it. The sequence number travels in an atomic word beside the fds.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "contenders.h"

namespace tether_bench {
namespace {

constexpr uint64_t kStop = UINT64_MAX;

[[noreturn]] void throw_errno(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// An eventfd and an epoll instance watching it. Not thread-safe: signal()
// from one thread, wait() from another.
class WakeChannel {
 public:
  WakeChannel()
      : event_(::eventfd(0, EFD_CLOEXEC)),
        epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (event_ < 0 || epoll_ < 0) {
      close_fds();
      throw_errno("eventfd/epoll_create1");
    }
    epoll_event interest{};
    interest.events = EPOLLIN;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, event_, &interest) != 0) {
      close_fds();
      throw_errno("epoll_ctl");
    }
  }
  WakeChannel(const WakeChannel&) = delete;
  WakeChannel& operator=(const WakeChannel&) = delete;
  ~WakeChannel() { close_fds(); }

  void signal() {
    const uint64_t one = 1;
    while (::write(event_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
  // Sleeps in epoll_wait until signalled, then resets the eventfd.
  void wait() {
    epoll_event ready;
    while (::epoll_wait(epoll_, &ready, 1, -1) != 1) {
    }
    uint64_t count;
    while (::read(event_, &count, sizeof count) < 0 && errno == EINTR) {
    }
  }

 private:
  void close_fds() {
    if (event_ >= 0) ::close(event_);
    if (epoll_ >= 0) ::close(epoll_);
  }

  int event_;
  int epoll_;
};

class EventfdEpollWake final : public RoundTripContender {
 public:
  explicit EventfdEpollWake(const Handler& handler)
      : work_(handler.work), echo_([this] { echo_loop(); }) {}
  ~EventfdEpollWake() override {
    ping_.store(kStop, std::memory_order_release);
    request_.signal();
    echo_.join();
  }

  void round_trip() override {
    const uint64_t sent = ++sequence_;
    ping_.store(sent, std::memory_order_release);
    request_.signal();
    do {
      reply_.wait();
    } while (pong_.load(std::memory_order_acquire) != sent);
  }

 private:
  void echo_loop() {
    for (;;) {
      request_.wait();
      const uint64_t now = ping_.load(std::memory_order_acquire);
      if (now == kStop) return;
      work_();
      pong_.store(now, std::memory_order_release);
      reply_.signal();
    }
  }

  void (*const work_)();
  WakeChannel request_;
  WakeChannel reply_;
  alignas(64) std::atomic<uint64_t> ping_{0};
  alignas(64) std::atomic<uint64_t> pong_{0};
  uint64_t sequence_ = 0;
  std::thread echo_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_eventfd_epoll_round_trip(
    const Handler& handler) {
  return std::make_unique<EventfdEpollWake>(handler);
}

}  // namespace tether_bench
