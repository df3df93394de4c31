/* kvstore_demo — a C host for the kvstore library, through tether's public
 * C API only.
 *
 * It loads kvstore by path and symbol onto N lanes, checks bad inputs come
 * back as library errors, drives rounds of short-lived submitter threads
 * through both completion paths (callbacks and a completion queue drained by
 * a poller thread) under deliberately tight credits, then checks:
 *   - thread-local sessions created == lanes (library code ran only on lanes);
 *   - the shards hold exactly the entries the workload left (each kv key
 *     lived on one lane);
 *   - every accepted call completed once, as its kind predicts;
 *   - after a draining shutdown nothing is in flight, no callback ran late,
 *     and once everything is freed no tether buffer is live.
 * Exit status 0 only if every check holds. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "cq_poller.h"
#include "kvstore.h"
#include "outcomes.h"
#include "probes.h"
#include "submit.h"
#include "tether/tether.h"
#include "workload.h"

#define THREADS_PER_ROUND 8
#define DEFAULT_LANES 2
#define DEFAULT_ROUNDS 12
/* Small enough that eight submitters run into TETHER_E_BUSY. */
#define CALL_CREDITS 512
#define SHUTDOWN_TIMEOUT_NS ((uint64_t)2000000000)

typedef struct options {
  uint32_t lanes;
  uint32_t rounds;
  const char* library;
} options;

static int g_failed_checks;

/* Prints one check's line, ending in OK or FAIL, and remembers failures. */
static void check(int holds, const char* format, ...) {
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  printf(" -- %s\n", holds ? "OK" : "FAIL");
  if (!holds) ++g_failed_checks;
}

static void usage(FILE* out) {
  fprintf(out,
          "usage: kvstore_demo [--lanes N] [--rounds N] [--library PATH]\n"
          "  --lanes N       lanes serving kvstore (1-256, default %d)\n"
          "  --rounds N      rounds of %d short-lived submitter threads "
          "(1-1000, default %d)\n"
          "  --library PATH  the kvstore module (default %s)\n",
          DEFAULT_LANES, THREADS_PER_ROUND, DEFAULT_ROUNDS,
          KVSTORE_DEMO_LIBRARY);
}

static int parse_count(const char* text, uint32_t low, uint32_t high,
                       uint32_t* out) {
  char* end = NULL;
  unsigned long value = strtoul(text, &end, 10);
  if (end == text || *end != '\0' || value < low || value > high) return 0;
  *out = (uint32_t)value;
  return 1;
}

/* Returns 1 to run, 0 to exit with `*status`. */
static int parse_options(int argc, char** argv, options* out, int* status) {
  int i;
  out->lanes = DEFAULT_LANES;
  out->rounds = DEFAULT_ROUNDS;
  out->library = KVSTORE_DEMO_LIBRARY;
  *status = 2;
  for (i = 1; i < argc; ++i) {
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      *status = 0;
      return 0;
    }
    if (value == NULL) {
      usage(stderr);
      return 0;
    }
    if (strcmp(argv[i], "--lanes") == 0 &&
        parse_count(value, 1, 256, &out->lanes)) {
      ++i;
    } else if (strcmp(argv[i], "--rounds") == 0 &&
               parse_count(value, 1, 1000, &out->rounds)) {
      ++i;
    } else if (strcmp(argv[i], "--library") == 0) {
      out->library = value;
      ++i;
    } else {
      fprintf(stderr, "kvstore_demo: bad argument %s %s\n", argv[i], value);
      usage(stderr);
      return 0;
    }
  }
  return 1;
}

static tether_runtime* open_runtime(const options* opts) {
  tether_runtime_config config;
  tether_runtime* runtime = NULL;
  char* error = NULL;
  tether_status status;
  tether_runtime_config_init(&config);
  config.lanes = opts->lanes;
  config.max_calls_in_flight = CALL_CREDITS;
  status = tether_runtime_open_path(opts->library, KVSTORE_ENTRY_SYMBOL,
                                    &config, &runtime, &error);
  if (status != TETHER_OK) {
    fprintf(stderr, "kvstore_demo: cannot open %s: %s: %s\n", opts->library,
            tether_status_str(status), error != NULL ? error : "(no detail)");
    tether_buf_free(error);
    return NULL;
  }
  return runtime;
}

static void print_statuses(void) {
  tether_status status;
  printf("calls completed by status:\n");
  for (status = TETHER_OK; status <= TETHER_E_INTERNAL; ++status) {
    uint64_t count = outcomes_with_status(status);
    if (count > 0) {
      printf("  %-28s %10llu\n", tether_status_str(status),
             (unsigned long long)count);
    }
  }
}

/* tether's counters against the demo's own tally of the same calls. */
static int stats_agree(const tether_stats* stats) {
  return stats->submitted == outcomes_accepted() &&
         stats->completed_ok == outcomes_with_status(TETHER_OK) &&
         stats->completed_library == outcomes_with_status(TETHER_E_LIBRARY) &&
         stats->completed_cancelled ==
             outcomes_with_status(TETHER_E_CANCELLED) &&
         stats->completed_deadline == outcomes_with_status(TETHER_E_DEADLINE) &&
         stats->completed_closed == outcomes_with_status(TETHER_E_CLOSED);
}

/* Ends the run: shutdown, queue drained, counters squared, handles freed,
 * no tether buffer left. */
static void shut_down(tether_runtime* runtime, tether_cq* cq,
                      cq_poller* poller) {
  tether_stats stats;
  uint64_t live_buffers = 0;
  uint64_t live_bytes = 0;
  tether_status status = tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN,
                                                 SHUTDOWN_TIMEOUT_NS);
  outcomes_close_callbacks();
  check(status == TETHER_OK, "shutdown (drain): %s", tether_status_str(status));
  tether_cq_shutdown(cq);
  cq_poller_join(poller);
  check(poller->final_status == TETHER_E_CLOSED,
        "completion queue: %llu completions in %llu batches, poller ended "
        "with %s",
        (unsigned long long)poller->completions,
        (unsigned long long)poller->batches,
        tether_status_str(poller->final_status));
  check(poller->found_after_timeout == 0,
        "completions that waited for a missing wake-up: %llu",
        (unsigned long long)poller->found_after_timeout);
  check(outcomes_completed() == outcomes_accepted(),
        "calls accepted %llu, completed %llu",
        (unsigned long long)outcomes_accepted(),
        (unsigned long long)outcomes_completed());
  check(outcomes_mismatched() == 0,
        "completions unlike their call's expected outcome: %llu",
        (unsigned long long)outcomes_mismatched());
  check(outcomes_late_callbacks() == 0 && outcomes_free_failures() == 0,
        "callbacks after shutdown: %llu, failed frees: %llu",
        (unsigned long long)outcomes_late_callbacks(),
        (unsigned long long)outcomes_free_failures());

  tether_stats_init(&stats);
  status = tether_runtime_stats(runtime, &stats);
  check(status == TETHER_OK && stats.in_flight == 0,
        "in flight after shutdown: %llu", (unsigned long long)stats.in_flight);
  check(stats_agree(&stats),
        "runtime stats agree: submitted %llu, ok %llu, library %llu, "
        "cancelled %llu, deadline %llu, closed %llu; busy refusals %llu, late "
        "replies %llu",
        (unsigned long long)stats.submitted,
        (unsigned long long)stats.completed_ok,
        (unsigned long long)stats.completed_library,
        (unsigned long long)stats.completed_cancelled,
        (unsigned long long)stats.completed_deadline,
        (unsigned long long)stats.completed_closed,
        (unsigned long long)stats.rejected_busy,
        (unsigned long long)stats.late_replies);

  status = tether_runtime_destroy(runtime);
  check(status == TETHER_OK, "runtime destroyed: %s",
        tether_status_str(status));
  tether_cq_destroy(cq);
  tether_buf_live(&live_buffers, &live_bytes);
  check(live_buffers == 0, "leak count %llu (live tether buffers, %llu bytes)",
        (unsigned long long)live_buffers, (unsigned long long)live_bytes);
}

int main(int argc, char** argv) {
  options opts;
  int exit_status;
  tether_runtime* runtime;
  tether_cq* cq = NULL;
  cq_poller poller;
  workload_config workload;
  workload_result traffic;
  census lanes_census;
  tether_status status;
  uint32_t lanes;
  int ran;

  if (!parse_options(argc, argv, &opts, &exit_status)) return exit_status;
  if (tether_version_number() / 1000000 != TETHER_VERSION_NUMBER / 1000000 ||
      tether_version_number() < TETHER_VERSION_NUMBER) {
    fprintf(stderr, "kvstore_demo: built for tether %s, loaded %s\n",
            TETHER_VERSION_STRING, tether_version_string());
    return 1;
  }
  runtime = open_runtime(&opts);
  if (runtime == NULL) return 1;
  lanes = tether_runtime_lanes(runtime);
  printf("kvstore_demo: tether %s, %lu lanes serving %s\n",
         tether_version_string(), (unsigned long)lanes, opts.library);

  status = tether_cq_open(runtime, &cq);
  if (status != TETHER_OK || cq_poller_start(&poller, cq) != 0) {
    fprintf(stderr, "kvstore_demo: no completion queue: %s\n",
            tether_status_str(status));
    tether_cq_destroy(cq);
    tether_runtime_destroy(runtime);
    return 1;
  }

  g_failed_checks += probes_run(runtime);

  workload.runtime = runtime;
  workload.cq = cq;
  workload.rounds = opts.rounds;
  workload.threads_per_round = THREADS_PER_ROUND;
  ran = workload_run(&workload, &traffic);
  check(ran,
        "workload: %lu rounds of %d threads (%llu threads in all), %llu calls "
        "accepted, %llu busy retries",
        (unsigned long)opts.rounds, THREADS_PER_ROUND,
        (unsigned long long)traffic.threads_started,
        (unsigned long long)traffic.calls_accepted,
        (unsigned long long)submit_busy_retries());

  /* The first census makes sure every lane has run a request; the second
   * reads counts that can no longer change. */
  census_take(runtime, cq, &lanes_census);
  ran = census_take(runtime, cq, &lanes_census);
  census_print_lanes(lanes);
  check(ran && lanes_census.lanes_answered == lanes &&
            lanes_census.sessions_created == lanes && lanes == opts.lanes,
        "thread-local sessions created: %llu, lanes: %lu",
        (unsigned long long)lanes_census.sessions_created,
        (unsigned long)lanes);
  check(lanes_census.entries == workload_expected_entries(&workload),
        "entries across the shards: %llu, expected %llu",
        (unsigned long long)lanes_census.entries,
        (unsigned long long)workload_expected_entries(&workload));

  print_statuses();
  printf("throughput: %.0f calls/s (%llu calls in %.3f s)\n",
         traffic.elapsed_ns > 0
             ? (double)traffic.calls_accepted * 1e9 / (double)traffic.elapsed_ns
             : 0.0,
         (unsigned long long)traffic.calls_accepted,
         (double)traffic.elapsed_ns / 1e9);

  shut_down(runtime, cq, &poller);
  printf("kvstore_demo: %s\n", g_failed_checks == 0 ? "OK" : "FAILED");
  return g_failed_checks == 0 ? 0 : 1;
}
