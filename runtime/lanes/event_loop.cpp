#include "lanes/event_loop.h"

#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "base/clock.h"
#include "base/fault_injection.h"
#include "log/log.h"

namespace tether {
namespace asio = boost::asio;

namespace {
// While busy, the owner asks the reactor for due timers at most this often.
constexpr uint64_t kReactorIntervalNs = 100'000;
}  // namespace

// An fd closed with its owner: Impl's members after it may throw while
// being built (asio allocates its reactor), and then only members already
// built are destroyed.
struct OwnedFd {
  explicit OwnedFd(int fd) : value(fd) {}
  ~OwnedFd() {
    if (value >= 0) ::close(value);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  const int value;
};

struct EventLoop::Impl {
  Impl() : wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), wake_descriptor(io) {
    if (wake.value < 0) throw std::runtime_error("eventfd failed");
    const int watched = ::dup(wake.value);
    try {
      wake_descriptor.assign(watched);
    } catch (...) {
      if (watched >= 0) ::close(watched);  // assign took nothing
      throw;
    }
    arm_wake();
  }
  ~Impl() { wake_descriptor.close(); }

  void arm_wake() {
    wake_descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                               [this](const boost::system::error_code& error) {
                                 if (error) return;
                                 uint64_t count;
                                 (void)!::read(wake.value, &count,
                                               sizeof count);
                                 if (!closing) arm_wake();
                               });
  }

  asio::io_context io{1};
  OwnedFd wake;
  asio::posix::stream_descriptor wake_descriptor;

  std::mutex post_mutex;
  bool accepting = true;  // GUARDED_BY(post_mutex)
  std::atomic<uint64_t> posted_pending{0};

  bool closing = false;                            // owner thread
  std::unordered_set<asio::steady_timer*> timers;  // owner thread
  uint64_t last_reactor_ns = 0;                    // owner thread
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}

EventLoop::~EventLoop() {
  for (auto* timer : impl_->timers) delete timer;
}

Status EventLoop::post(Work work) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  {
    std::lock_guard<std::mutex> lock(impl_->post_mutex);
    if (!impl_->accepting) return Status::kClosed;
    impl_->posted_pending.fetch_add(1, std::memory_order_relaxed);
    Impl* impl = impl_.get();
    asio::post(impl->io, [impl, work = std::move(work)]() {
      impl->posted_pending.fetch_sub(1, std::memory_order_relaxed);
      work(!impl->closing);
    });
  }
  // asio wakes its own reactor when the owner waits inside it.
  return Status::kOk;
}

Status EventLoop::schedule(uint64_t delay_ns, Work work) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  if (impl_->closing) return Status::kClosed;
  auto* timer = new asio::steady_timer(impl_->io);
  if (delay_ns > static_cast<uint64_t>(INT64_MAX)) {
    // As a signed count of nanoseconds it would be negative: due at once.
    timer->expires_at(asio::steady_timer::time_point::max());
  } else {
    // Asio saturates now + delay at the clock's end.
    timer->expires_after(
        std::chrono::nanoseconds(static_cast<int64_t>(delay_ns)));
  }
  impl_->timers.insert(timer);
  Impl* impl = impl_.get();
  timer->async_wait([impl, timer, work = std::move(work)](
                        const boost::system::error_code& error) {
    impl->timers.erase(timer);
    delete timer;
    work(!error && !impl->closing);
  });
  return Status::kOk;
}

void EventLoop::run_ready(uint64_t now) {
  bool posted = impl_->posted_pending.load(std::memory_order_relaxed) != 0;
  bool timers_due = !impl_->timers.empty() &&
                    now - impl_->last_reactor_ns >= kReactorIntervalNs;
  if (!posted && !timers_due) return;
  impl_->last_reactor_ns = now;
  NotSpinning running_handlers(*this);
  impl_->io.poll();
  if (impl_->io.stopped()) impl_->io.restart();
}

void EventLoop::park() {
  impl_->io.run_one();
  if (impl_->io.stopped()) impl_->io.restart();
  parked_.store(false, std::memory_order_relaxed);
  impl_->last_reactor_ns = now_ns();
}

// Out of line: sched_yield is a syscall, and keeping it out of idle()
// keeps the pause path, the one a hot lane takes, small.
void EventLoop::yield_cpu() { ::sched_yield(); }

void EventLoop::wake() {
  uint64_t one = 1;
  while (::write(impl_->wake.value, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void EventLoop::close() {
  {
    std::lock_guard<std::mutex> lock(impl_->post_mutex);
    impl_->accepting = false;
  }
  impl_->closing = true;
  // Copy: a cancelled timer's handler erases itself from the set.
  std::vector<asio::steady_timer*> timers(impl_->timers.begin(),
                                          impl_->timers.end());
  for (auto* timer : timers) timer->cancel();
  boost::system::error_code ignored;
  impl_->wake_descriptor.cancel(ignored);
  impl_->io.restart();
  impl_->io.poll();
}

}  // namespace tether
