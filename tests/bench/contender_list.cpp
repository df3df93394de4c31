#include "contender_list.h"

#include <cstddef>
#include <cstdint>
#include <optional>

#include "contenders.h"
#include "tether/tether.h"

namespace tether_bench {
namespace {

constexpr size_t kBatchSize = 32;
const RuntimeChoice kOnLane{TETHER_DELIVER_ON_LANE, std::nullopt};
const RuntimeChoice kOnThread{TETHER_DELIVER_ON_THREAD, std::nullopt};
// A lane that parks as soon as it is idle: what spinning buys (or costs,
// when the caller and the lane end up sharing a core).
const RuntimeChoice kOnLaneNoSpin{TETHER_DELIVER_ON_LANE, 0};
// std::async creates a thread per call (tens of microseconds each); it gets
// this many times fewer calls, so a full run stays within minutes.
constexpr uint64_t kThreadPerCallRoundTripDivisor = 25;
constexpr uint64_t kThreadPerCallPipelineDivisor = 200;

}  // namespace

std::vector<RoundTripSpec> round_trip_contenders() {
  return {
      {"spin ping-pong (floor)",
       "two threads bounce a counter over two cache lines", Role::kBound, 1,
       [] { return make_spin_ping_pong(); }},
      {"tether, callback on lane",
       "tether_submit; callback on the lane sets a flag", Role::kReference, 1,
       [] { return make_tether_callback_round_trip(kOnLane); }},
      {"tether, callback on delivery thr",
       "tether_submit; callback on the delivery thread sets a flag",
       Role::kTether, 1,
       [] { return make_tether_callback_round_trip(kOnThread); }},
      {"tether, on lane, spin_ns 0",
       "as 'callback on lane', but the lane parks as soon as it is idle",
       Role::kTether, 1,
       [] { return make_tether_callback_round_trip(kOnLaneNoSpin); }},
      {"tether, completion queue",
       "tether_submit_cq; caller spins on tether_cq_poll(timeout 0)",
       Role::kTether, 1, [] { return make_tether_cq_round_trip(); }},
      {"mutex+condvar queue",
       "std::function request+callback, batch swap, notify if waiting",
       Role::kPeer, 1, [] { return make_mutex_condvar_round_trip(); }},
      {"asio post, 1 thread",
       "boost::asio::post to an io_context run by one thread", Role::kPeer, 1,
       [] { return make_asio_post_round_trip(); }},
      {"std::async per call", "a thread per call; includes the future's join",
       Role::kPeer, kThreadPerCallRoundTripDivisor,
       [] { return make_std_async_round_trip(); }},
  };
}

std::vector<PipelineSpec> pipeline_contenders() {
  return {
      {"moodycamel 1->1 (ceiling)",
       "enqueue/try_dequeue one item at a time, with tokens", Role::kBound, 1,
       [] { return make_moodycamel_transfer(); }},
      {"tether, callback on lane",
       "tether_submit, retry on BUSY; lane callback counts", Role::kReference,
       1, [] { return make_tether_callback_pipeline(kOnLane); }},
      {"tether, callback on delivery thr",
       "tether_submit, retry on BUSY; delivery-thread callback counts",
       Role::kTether, 1,
       [] { return make_tether_callback_pipeline(kOnThread); }},
      {"tether, batch of 32 on lane",
       "tether_submit_batch(32), retry rest on BUSY; lane callback counts",
       Role::kTether, 1,
       [] { return make_tether_batch_pipeline(kOnLane, kBatchSize); }},
      {"tether, completion queue",
       "tether_submit_cq; submitter drains the queue every 64 submits",
       Role::kTether, 1, [] { return make_tether_cq_pipeline(); }},
      {"mutex+condvar queue",
       "std::function request+callback, batch swap, notify if waiting",
       Role::kPeer, 1, [] { return make_mutex_condvar_pipeline(); }},
      {"asio post, 1 thread",
       "boost::asio::post to an io_context run by one thread", Role::kPeer, 1,
       [] { return make_asio_post_pipeline(); }},
      {"std::async per call", "a thread per call; futures joined at the end",
       Role::kPeer, kThreadPerCallPipelineDivisor,
       [] { return make_std_async_pipeline(); }},
  };
}

}  // namespace tether_bench
