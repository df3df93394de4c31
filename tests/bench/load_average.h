// The one-minute load average, printed with the results: on a shared
// machine it says how much the figures were disturbed.
#ifndef TETHER_BENCH_LOAD_AVERAGE_H
#define TETHER_BENCH_LOAD_AVERAGE_H

namespace tether_bench {

// The first field of /proc/loadavg, or a negative value where there is no
// such file. Thread-safe.
double one_minute_load_average();

}  // namespace tether_bench

#endif  // TETHER_BENCH_LOAD_AVERAGE_H
