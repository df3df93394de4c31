// Where tether's log lines go during the benchmark. Runtimes here sit at
// their credit limit on purpose, so the growth watch warns again and again;
// printing each line would bury the progress output. Warnings are counted
// and only the first few printed; errors are always printed.
#ifndef TETHER_BENCH_LOG_TALLY_H
#define TETHER_BENCH_LOG_TALLY_H

#include <cstdint>

namespace tether_bench {

// Routes tether's log to the tally (process-wide). Call once, first.
void install_log_tally();

// Warnings and errors logged since install_log_tally(). Thread-safe.
uint64_t logged_warnings();
uint64_t logged_errors();

}  // namespace tether_bench

#endif  // TETHER_BENCH_LOG_TALLY_H
