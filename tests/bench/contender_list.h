// Which contenders run, in which table, under which names.
#ifndef TETHER_BENCH_CONTENDER_LIST_H
#define TETHER_BENCH_CONTENDER_LIST_H

#include <vector>

#include "contender.h"

namespace tether_bench {

// The round-trip latency table: the floor first, the reference tether
// contender marked Role::kReference.
std::vector<RoundTripSpec> round_trip_contenders();

// The pipelined throughput table: the ceiling first, likewise.
std::vector<PipelineSpec> pipeline_contenders();

}  // namespace tether_bench

#endif  // TETHER_BENCH_CONTENDER_LIST_H
