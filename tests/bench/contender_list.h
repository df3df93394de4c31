// Which contenders run, in which table, under which names.
#ifndef TETHER_BENCH_CONTENDER_LIST_H
#define TETHER_BENCH_CONTENDER_LIST_H

#include <vector>

#include "contender.h"

namespace tether_bench {

// The names the goals look rows up by.
namespace contender_name {
inline constexpr char kSpinPingPong[] = "spin ping-pong (floor)";
inline constexpr char kFutexWake[] = "futex wake, both sleep (floor)";
inline constexpr char kEventfdEpoll[] = "eventfd+epoll wake (floor)";
inline constexpr char kBareMinimum[] = "moodycamel bare minimum";
inline constexpr char kTetherOnLane[] = "tether, callback on lane";
inline constexpr char kRecorderOn[] = "tether, on lane, recorder on";
inline constexpr char kPayload64[] = "tether, on lane, 64 B payload";
inline constexpr char kCapture64[] = "tether, on lane, 64 B captured";
inline constexpr char kTetherParked[] = "tether, parked lane, caller sleeps";
inline constexpr char kMutexCondvar[] = "mutex+condvar queue";
inline constexpr char kAsioPost[] = "asio post, 1 thread";
inline constexpr char kMoodycamelSingle[] = "moodycamel 1->1 (ceiling)";
inline constexpr char kMoodycamelBulk[] = "moodycamel bulk 32 (ceiling)";
inline constexpr char kTetherBatchCq[] = "tether, batch 32 + cq batch drain";
}  // namespace contender_name

// The round-trip latency table: the floors first, the reference tether
// contender marked Role::kReference.
std::vector<RoundTripSpec> round_trip_contenders();

// The pipelined throughput table: the ceilings first, likewise.
std::vector<PipelineSpec> pipeline_contenders();

}  // namespace tether_bench

#endif  // TETHER_BENCH_CONTENDER_LIST_H
