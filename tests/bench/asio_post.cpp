// boost::asio::post of a lambda to an io_context run by one thread (kept
// alive by a work guard); the lambda runs the handler's work, then flags or
// counts.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "completion_signals.h"
#include "contenders.h"

namespace tether_bench {
namespace {

// An io_context with concurrency hint 1 and the one thread that runs it.
class AsioLoop {
 public:
  AsioLoop()
      : context_(1),
        guard_(boost::asio::make_work_guard(context_)),
        runner_([this] { context_.run(); }) {}
  AsioLoop(const AsioLoop&) = delete;
  AsioLoop& operator=(const AsioLoop&) = delete;
  ~AsioLoop() {
    guard_.reset();
    runner_.join();
  }
  boost::asio::io_context& context() { return context_; }

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      guard_;
  std::thread runner_;
};

class AsioPostRoundTrip final : public RoundTripContender {
 public:
  explicit AsioPostRoundTrip(const Handler& handler) : work_(handler.work) {}

  void round_trip() override {
    DoneFlag* flag = &flag_;
    boost::asio::post(loop_.context(), [work = work_, flag] {
      work();
      flag->set();
    });
    flag_.wait_and_reset();
  }

 private:
  void (*const work_)();
  DoneFlag flag_;
  AsioLoop loop_;
};

class AsioPostPipeline final : public PipelineContender {
 public:
  explicit AsioPostPipeline(const Handler& handler) : work_(handler.work) {}

  void run(uint64_t count) override {
    counter_.reset();
    DoneCounter* counter = &counter_;
    for (uint64_t i = 0; i < count; ++i) {
      boost::asio::post(loop_.context(), [work = work_, counter] {
        work();
        counter->add_one();
      });
    }
    counter_.wait_for(count);
  }

 private:
  void (*const work_)();
  DoneCounter counter_;
  AsioLoop loop_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_asio_post_round_trip(
    const Handler& handler) {
  return std::make_unique<AsioPostRoundTrip>(handler);
}

std::unique_ptr<PipelineContender> make_asio_post_pipeline(
    const Handler& handler) {
  return std::make_unique<AsioPostPipeline>(handler);
}

}  // namespace tether_bench
