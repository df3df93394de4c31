// Factories for every contender. Each starts the contender's threads (or
// opens its tether runtime); destroying the result stops them.
// Throw std::runtime_error when the contender cannot start.
#ifndef TETHER_BENCH_CONTENDERS_H
#define TETHER_BENCH_CONTENDERS_H

#include <cstddef>
#include <cstdint>
#include <memory>

#include "contender.h"
#include "tether_objects.h"

namespace tether_bench {

// The physical floor: two threads bouncing a counter over two cache lines.
std::unique_ptr<RoundTripContender> make_spin_ping_pong();

// The throughput ceiling: raw moodycamel single-item transfer, one producer
// with a producer token to one consumer with a consumer token.
std::unique_ptr<PipelineContender> make_moodycamel_transfer();

// std::function requests through a mutex+condvar queue to one worker.
std::unique_ptr<RoundTripContender> make_mutex_condvar_round_trip();
std::unique_ptr<PipelineContender> make_mutex_condvar_pipeline();

// boost::asio::post to an io_context run by one thread.
std::unique_ptr<RoundTripContender> make_asio_post_round_trip();
std::unique_ptr<PipelineContender> make_asio_post_pipeline();

// One std::async(std::launch::async) per call.
std::unique_ptr<RoundTripContender> make_std_async_round_trip();
std::unique_ptr<PipelineContender> make_std_async_pipeline();

// tether_submit with a callback, delivered where `choice` says.
std::unique_ptr<RoundTripContender> make_tether_callback_round_trip(
    const RuntimeChoice& choice);
std::unique_ptr<PipelineContender> make_tether_callback_pipeline(
    const RuntimeChoice& choice);

// tether_submit_batch in batches of `batch_size`, completions by callback.
std::unique_ptr<PipelineContender> make_tether_batch_pipeline(
    const RuntimeChoice& choice, size_t batch_size);

// tether_submit_cq, completions taken with tether_cq_poll(timeout 0).
std::unique_ptr<RoundTripContender> make_tether_cq_round_trip();
std::unique_ptr<PipelineContender> make_tether_cq_pipeline();

}  // namespace tether_bench

#endif  // TETHER_BENCH_CONTENDERS_H
