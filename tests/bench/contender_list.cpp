#include "contender_list.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "contenders.h"
#include "tether/tether.h"

namespace tether_bench {
namespace {

namespace name = contender_name;

constexpr size_t kBatchSize = 32;
const RuntimeChoice kOnLane =
    RuntimeChoice().with_deliver(TETHER_DELIVER_ON_LANE);
const RuntimeChoice kOnThread =
    RuntimeChoice().with_deliver(TETHER_DELIVER_ON_THREAD);
// A lane that parks as soon as it is idle: what spinning buys (or costs,
// when the caller and the lane end up sharing a core).
const RuntimeChoice kOnLaneNoSpin = kOnLane.with_spin_ns(0);
// What the boundary recorder (off by default) costs: on, and capturing
// 64-byte payloads against the same payloads recorded uncaptured.
const RuntimeChoice kRecorderOnChoice = kOnLane.with_recorder_entries(256);
const RuntimeChoice kPayload64Choice = kRecorderOnChoice.with_payload_bytes(64);
const RuntimeChoice kCapture64Choice =
    kPayload64Choice.with_capture_bytes(uint64_t{1} << 20);
// std::async creates a thread per call (tens of microseconds each); it gets
// this many times fewer calls, so a full run stays within minutes.
constexpr uint64_t kThreadPerCallRoundTripDivisor = 25;
constexpr uint64_t kThreadPerCallPipelineDivisor = 200;

// Two submitters and two lanes all spin: four busy threads.
std::string two_lane_name() {
  std::string text = "tether, 2 lanes, 2 submitters";
  if (std::thread::hardware_concurrency() < 4) text += " (oversubscribed)";
  return text;
}

}  // namespace

std::vector<RoundTripSpec> round_trip_contenders() {
  return {
      {name::kSpinPingPong,
       "two threads bounce a counter over two cache lines; caller spins on "
       "the reply line",
       Role::kBound, 1,
       [](const Handler& h) { return make_spin_ping_pong(h); }},
      {name::kFutexWake,
       "store + FUTEX_WAKE to a sleeping echo thread; caller sleeps in "
       "FUTEX_WAIT on the reply word",
       Role::kBound, 1,
       [](const Handler& h) { return make_futex_wake_round_trip(h); }},
      {name::kEventfdEpoll,
       "write an eventfd the echo thread sleeps on in epoll_wait; caller "
       "sleeps in epoll_wait on the reply eventfd",
       Role::kBound, 1,
       [](const Handler& h) { return make_eventfd_epoll_round_trip(h); }},
      {name::kBareMinimum,
       "slot pointer through moodycamel (tokens) to a spinning consumer; "
       "caller spins on the slot's done flag",
       Role::kBound, 1,
       [](const Handler& h) { return make_moodycamel_bare_minimum(h); }},
      {name::kTetherOnLane,
       "tether_submit; callback on the lane sets a flag; caller spins on the "
       "flag",
       Role::kReference, 1,
       [](const Handler& h) {
         return make_tether_callback_round_trip(h, kOnLane);
       }},
      {name::kRecorderOn,
       "as 'callback on lane', with the boundary recorder on (256 records)",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_round_trip(h, kRecorderOnChoice);
       }},
      {name::kPayload64,
       "as 'recorder on', each call carrying 64 payload bytes", Role::kTether,
       1,
       [](const Handler& h) {
         return make_tether_callback_round_trip(h, kPayload64Choice);
       }},
      {name::kCapture64,
       "as '64 B payload', with payload capture on (1 MiB a lane)",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_round_trip(h, kCapture64Choice);
       }},
      {"tether, callback on delivery thr",
       "tether_submit; callback on the delivery thread sets a flag; caller "
       "spins on the flag",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_round_trip(h, kOnThread);
       }},
      {name::kTetherParked,
       "tether_submit to a lane with spin_ns 0, asleep in its reactor; the "
       "callback on the lane wakes the caller, asleep in FUTEX_WAIT",
       Role::kTether, 1,
       [](const Handler& h) { return make_tether_parked_lane_round_trip(h); }},
      {"tether, spin_ns 0, caller spins",
       "as 'callback on lane', but the lane parks as soon as it is idle; "
       "caller spins on the flag (and often resubmits before the lane parks)",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_round_trip(h, kOnLaneNoSpin);
       }},
      {"tether, completion queue",
       "tether_submit_cq; caller takes from the queue, tether_cq_take in a "
       "spin",
       Role::kTether, 1,
       [](const Handler& h) { return make_tether_cq_round_trip(h); }},
      {name::kMutexCondvar,
       "std::function request+callback, batch swap, notify if waiting; "
       "caller spins on a flag the callback sets",
       Role::kPeer, 1,
       [](const Handler& h) { return make_mutex_condvar_round_trip(h); }},
      {name::kAsioPost,
       "boost::asio::post to an io_context run by one thread; caller spins "
       "on a flag the handler sets",
       Role::kPeer, 1,
       [](const Handler& h) { return make_asio_post_round_trip(h); }},
      {"std::async per call",
       "a thread per call; caller spins on a flag, then the future's "
       "destructor joins the thread",
       Role::kPeer, kThreadPerCallRoundTripDivisor,
       [](const Handler& h) { return make_std_async_round_trip(h); }},
  };
}

std::vector<PipelineSpec> pipeline_contenders() {
  return {
      {name::kMoodycamelSingle,
       "enqueue/try_dequeue one item at a time, with tokens; submitter spins "
       "on the consumer's counter at the end",
       Role::kBound, 1,
       [](const Handler& h) { return make_moodycamel_transfer(h); }},
      {name::kMoodycamelBulk,
       "enqueue_bulk/try_dequeue_bulk of 32, with tokens; submitter spins on "
       "the consumer's counter at the end",
       Role::kBound, 1,
       [](const Handler& h) {
         return make_moodycamel_bulk_transfer(h, kBatchSize);
       }},
      {name::kTetherOnLane,
       "tether_submit, retry on BUSY; lane callback counts; submitter spins "
       "on the counter at the end",
       Role::kReference, 1,
       [](const Handler& h) {
         return make_tether_callback_pipeline(h, kOnLane);
       }},
      {name::kRecorderOn,
       "as 'callback on lane', with the boundary recorder on (256 records)",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_pipeline(h, kRecorderOnChoice);
       }},
      {name::kPayload64,
       "as 'recorder on', each call carrying 64 payload bytes", Role::kTether,
       1,
       [](const Handler& h) {
         return make_tether_callback_pipeline(h, kPayload64Choice);
       }},
      {name::kCapture64,
       "as '64 B payload', with payload capture on (1 MiB a lane)",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_pipeline(h, kCapture64Choice);
       }},
      {"tether, callback on delivery thr",
       "tether_submit, retry on BUSY; delivery-thread callback counts; "
       "submitter spins on the counter",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_callback_pipeline(h, kOnThread);
       }},
      {"tether, batch of 32 on lane",
       "tether_submit_batch(32), retry rest on BUSY; lane callback counts; "
       "submitter spins on the counter",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_batch_pipeline(h, kOnLane, kBatchSize);
       }},
      {"tether, completion queue",
       "tether_submit_cq; submitter polls the queue in batches of 64 every "
       "64 submits, then until all are in",
       Role::kTether, 1,
       [](const Handler& h) { return make_tether_cq_pipeline(h); }},
      {name::kTetherBatchCq,
       "tether_submit_batch_cq(32); submitter polls the queue in batches of "
       "64 after every batch, then until all are in",
       Role::kTether, 1,
       [](const Handler& h) {
         return make_tether_batch_cq_pipeline(h, kBatchSize);
       }},
      {two_lane_name(),
       "2 threads tether_submit half each, keyed to their own lane; lane "
       "callbacks count per submitter; each spins on its counter",
       Role::kTether, 1,
       [](const Handler& h) { return make_tether_two_lane_pipeline(h); }},
      {name::kMutexCondvar,
       "std::function request+callback, batch swap, notify if waiting; "
       "submitter spins on the callback's counter",
       Role::kPeer, 1,
       [](const Handler& h) { return make_mutex_condvar_pipeline(h); }},
      {name::kAsioPost,
       "boost::asio::post to an io_context run by one thread; submitter "
       "spins on the handlers' counter",
       Role::kPeer, 1,
       [](const Handler& h) { return make_asio_post_pipeline(h); }},
      {"std::async per call",
       "a thread per call; submitter spins on the counter, then the futures "
       "join their threads",
       Role::kPeer, kThreadPerCallPipelineDivisor,
       [](const Handler& h) { return make_std_async_pipeline(h); }},
  };
}

}  // namespace tether_bench
