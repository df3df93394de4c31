// Factories for every contender. Each starts the contender's threads (or
// opens its tether runtime); destroying the result stops them. Every
// contender runs `handler` for each call on its worker side (a tether
// contender through the bench library's method for it).
// Throw std::runtime_error when the contender cannot start.
#ifndef TETHER_BENCH_CONTENDERS_H
#define TETHER_BENCH_CONTENDERS_H

#include <cstddef>
#include <cstdint>
#include <memory>

#include "contender.h"
#include "handler.h"
#include "tether_objects.h"

namespace tether_bench {

// Latency floors. Two threads bouncing a counter over two cache lines, both
// spinning:
std::unique_ptr<RoundTripContender> make_spin_ping_pong(const Handler& handler);
// The same with both sides asleep in FUTEX_WAIT between messages:
std::unique_ptr<RoundTripContender> make_futex_wake_round_trip(
    const Handler& handler);
// The same with both sides asleep in epoll_wait on an eventfd:
std::unique_ptr<RoundTripContender> make_eventfd_epoll_round_trip(
    const Handler& handler);

// A request slot queued through moodycamel to a spinning consumer that
// flips its done flag: what a call costs with no bookkeeping at all.
std::unique_ptr<RoundTripContender> make_moodycamel_bare_minimum(
    const Handler& handler);

// Throughput ceilings: raw moodycamel transfer, one producer with a producer
// token to one consumer with a consumer token, one item at a time or in
// bulks of `bulk_size`.
std::unique_ptr<PipelineContender> make_moodycamel_transfer(
    const Handler& handler);
std::unique_ptr<PipelineContender> make_moodycamel_bulk_transfer(
    const Handler& handler, size_t bulk_size);

// std::function requests through a mutex+condvar queue to one worker.
std::unique_ptr<RoundTripContender> make_mutex_condvar_round_trip(
    const Handler& handler);
std::unique_ptr<PipelineContender> make_mutex_condvar_pipeline(
    const Handler& handler);

// boost::asio::post to an io_context run by one thread.
std::unique_ptr<RoundTripContender> make_asio_post_round_trip(
    const Handler& handler);
std::unique_ptr<PipelineContender> make_asio_post_pipeline(
    const Handler& handler);

// One std::async(std::launch::async) per call.
std::unique_ptr<RoundTripContender> make_std_async_round_trip(
    const Handler& handler);
std::unique_ptr<PipelineContender> make_std_async_pipeline(
    const Handler& handler);

// tether_submit with a callback, delivered where `choice` says.
std::unique_ptr<RoundTripContender> make_tether_callback_round_trip(
    const Handler& handler, const RuntimeChoice& choice);
std::unique_ptr<PipelineContender> make_tether_callback_pipeline(
    const Handler& handler, const RuntimeChoice& choice);

// A lane that parks as soon as it is idle (spin_ns 0) and a caller that
// sleeps in FUTEX_WAIT until the callback on the lane wakes it.
std::unique_ptr<RoundTripContender> make_tether_parked_lane_round_trip(
    const Handler& handler);

// tether_submit_batch in batches of `batch_size`, completions by callback.
std::unique_ptr<PipelineContender> make_tether_batch_pipeline(
    const Handler& handler, const RuntimeChoice& choice, size_t batch_size);

// tether_submit_cq, completions taken with tether_cq_take: one at a time
// for round trips, in batches for the pipeline.
std::unique_ptr<RoundTripContender> make_tether_cq_round_trip(
    const Handler& handler);
std::unique_ptr<PipelineContender> make_tether_cq_pipeline(
    const Handler& handler);

// tether_submit_batch_cq in batches of `batch_size`, completions drained in
// batches with tether_cq_take.
std::unique_ptr<PipelineContender> make_tether_batch_cq_pipeline(
    const Handler& handler, size_t batch_size);

// Two lanes, two submitting threads (the caller's and one more), each
// submitter keyed to its own lane; callbacks on the lane.
std::unique_ptr<PipelineContender> make_tether_two_lane_pipeline(
    const Handler& handler);

}  // namespace tether_bench

#endif  // TETHER_BENCH_CONTENDERS_H
