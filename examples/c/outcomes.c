#include "outcomes.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kv_wire.h"
#include "kvstore.h"
#include "tags.h"

/* Counters are shared by every completing thread. C99 has no atomics, so
 * these use the GCC/Clang __atomic builtins. */
#define COUNT(counter) __atomic_fetch_add(&(counter), 1, __ATOMIC_RELAXED)
#define LOAD(counter) __atomic_load_n(&(counter), __ATOMIC_ACQUIRE)

/* Status values are pinned small integers; one outside the table is a
 * mismatch (no call may end with it) and is not counted by status. */
#define STATUS_SLOTS 32
/* Mismatches past this many are counted but not printed. */
#define MISMATCHES_PRINTED 5

static uint64_t g_accepted;
static uint64_t g_completed;
static uint64_t g_by_status[STATUS_SLOTS];
static uint64_t g_mismatched;
static uint64_t g_late_callbacks;
static uint64_t g_free_failures;
static int g_callbacks_closed;

static lane_report g_lanes[OUTCOMES_MAX_LANES];

typedef struct probe_answer {
  int arrived;
  int32_t code;
  char message[256];
} probe_answer;
static probe_answer g_probes[OUTCOMES_MAX_PROBES];

/* The lane and latency fields exist from version 2 of tether_completion. */
static int has_version_2(const tether_completion* c) {
  return c->struct_size >=
         offsetof(tether_completion, latency_ns) + sizeof(c->latency_ns);
}

static void report_mismatch(const tether_completion* c, const char* what) {
  uint64_t n = COUNT(g_mismatched);
  if (n >= MISMATCHES_PRINTED) return;
  fprintf(stderr,
          "kvstore_demo: unexpected completion of %s (thread %lu, index "
          "%lu): %s; status %s, library code %ld, error \"%s\", lane %ld, "
          "%.3f ms after submit\n",
          demo_op_name(demo_tag_op(c->user_data)),
          (unsigned long)demo_tag_thread(c->user_data),
          (unsigned long)demo_tag_index(c->user_data), what,
          tether_status_str(c->status), (long)c->library_code,
          c->error != NULL ? c->error : "",
          has_version_2(c) ? (long)(int32_t)c->lane : -1L,
          has_version_2(c) ? (double)c->latency_ns / 1e6 : -1.0);
}

static int has_status(const tether_completion* c, tether_status expected) {
  if (c->status == expected) return 1;
  report_mismatch(c, "wrong status");
  return 0;
}

static int result_is(const tether_completion* c, const void* bytes,
                     size_t len) {
  if (c->result_len == len &&
      (len == 0 || memcmp(c->result, bytes, len) == 0)) {
    return 1;
  }
  report_mismatch(c, "wrong result bytes");
  return 0;
}

static void record_stats(const tether_completion* c) {
  const uint8_t* reply = (const uint8_t*)c->result;
  uint32_t lane;
  lane_report* report;
  if (c->result_len != KVSTORE_STATS_SIZE) {
    report_mismatch(c, "STATS reply of the wrong size");
    return;
  }
  lane = kv_read_u32(reply + KVSTORE_STATS_LANE_OFFSET);
  if (lane >= OUTCOMES_MAX_LANES || (has_version_2(c) && c->lane != lane)) {
    report_mismatch(c,
                    "STATS reply names a lane other than the one that ran it");
    return;
  }
  report = &g_lanes[lane];
  __atomic_store_n(&report->sessions_created,
                   kv_read_u64(reply + KVSTORE_STATS_SESSIONS_OFFSET),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&report->entries,
                   kv_read_u64(reply + KVSTORE_STATS_ENTRIES_OFFSET),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&report->requests_handled,
                   kv_read_u64(reply + KVSTORE_STATS_HANDLED_OFFSET),
                   __ATOMIC_RELAXED);
  __atomic_store_n(&report->seen, 1, __ATOMIC_RELAXED);
}

static void record_probe(const tether_completion* c) {
  uint32_t index = demo_tag_index(c->user_data);
  probe_answer* answer;
  if (index >= OUTCOMES_MAX_PROBES) {
    report_mismatch(c, "probe index out of range");
    return;
  }
  /* Each probe has its own slot and completes once, so no lock. */
  answer = &g_probes[index];
  answer->code = c->library_code;
  snprintf(answer->message, sizeof answer->message, "%s",
           c->error != NULL ? c->error : "(no message)");
  __atomic_store_n(&answer->arrived, 1, __ATOMIC_RELEASE);
}

static void check(const tether_completion* c) {
  char expected[64];
  uint64_t tag = c->user_data;
  static const uint8_t kRemoved = 1;
  switch (demo_tag_op(tag)) {
    case DEMO_OP_PUT:
    case DEMO_OP_SLOW:
      if (has_status(c, TETHER_OK)) result_is(c, NULL, 0);
      return;
    case DEMO_OP_GET_HIT:
      if (!has_status(c, TETHER_OK)) return;
      demo_user_value(expected, sizeof expected, demo_tag_thread(tag),
                      demo_tag_index(tag));
      result_is(c, expected, strlen(expected));
      return;
    case DEMO_OP_GET_MISS:
      if (has_status(c, TETHER_E_LIBRARY) &&
          c->library_code != KVSTORE_ERR_NOT_FOUND) {
        report_mismatch(c, "wrong library code");
      }
      return;
    case DEMO_OP_DELETE_HIT:
      if (has_status(c, TETHER_OK)) result_is(c, &kRemoved, 1);
      return;
    case DEMO_OP_SLOW_DEADLINE:
      has_status(c, TETHER_E_DEADLINE);
      return;
    case DEMO_OP_SLOW_CANCELLED:
      has_status(c, TETHER_E_CANCELLED);
      return;
    case DEMO_OP_STATS:
      if (has_status(c, TETHER_OK)) record_stats(c);
      return;
    case DEMO_OP_PROBE:
      if (has_status(c, TETHER_E_LIBRARY)) record_probe(c);
      return;
  }
  report_mismatch(c, "unknown tag");
}

static void release(tether_completion* c) {
  if (c->result != NULL && tether_buf_free(c->result) != TETHER_OK) {
    COUNT(g_free_failures);
  }
  if (c->error != NULL && tether_buf_free(c->error) != TETHER_OK) {
    COUNT(g_free_failures);
  }
  c->result = NULL;
  c->error = NULL;
}

static void settle(tether_completion* c) {
  check(c);
  release(c);
  if (c->status >= 0 && c->status < STATUS_SLOTS) {
    COUNT(g_by_status[c->status]);
  } else {
    report_mismatch(c, "status out of range");
  }
  /* Release: whoever sees the count sees the STATS and probe records. */
  __atomic_fetch_add(&g_completed, 1, __ATOMIC_RELEASE);
}

void outcomes_note_accepted(void) { COUNT(g_accepted); }

void outcomes_callback(tether_completion* completion) {
  if (LOAD(g_callbacks_closed)) COUNT(g_late_callbacks);
  settle(completion);
}

void outcomes_take(tether_completion* completion) { settle(completion); }

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int outcomes_wait_all(uint64_t stall_ns) {
  const struct timespec pause = {0, 100000};
  uint64_t completed = LOAD(g_completed);
  uint64_t progress_at = now_ns();
  while (LOAD(g_completed) < LOAD(g_accepted)) {
    if (LOAD(g_completed) != completed) {
      completed = LOAD(g_completed);
      progress_at = now_ns();
    } else if (now_ns() - progress_at >= stall_ns) {
      return 0;
    }
    nanosleep(&pause, NULL);
  }
  return 1;
}

void outcomes_close_callbacks(void) {
  __atomic_store_n(&g_callbacks_closed, 1, __ATOMIC_RELEASE);
}

uint64_t outcomes_accepted(void) { return LOAD(g_accepted); }
uint64_t outcomes_completed(void) { return LOAD(g_completed); }
uint64_t outcomes_mismatched(void) { return LOAD(g_mismatched); }
uint64_t outcomes_late_callbacks(void) { return LOAD(g_late_callbacks); }
uint64_t outcomes_free_failures(void) { return LOAD(g_free_failures); }

uint64_t outcomes_with_status(tether_status status) {
  if (status < 0 || status >= STATUS_SLOTS) return 0;
  return LOAD(g_by_status[status]);
}

void outcomes_lane_report(uint32_t lane, lane_report* out) {
  memset(out, 0, sizeof *out);
  if (lane >= OUTCOMES_MAX_LANES) return;
  out->seen = LOAD(g_lanes[lane].seen);
  out->sessions_created = LOAD(g_lanes[lane].sessions_created);
  out->entries = LOAD(g_lanes[lane].entries);
  out->requests_handled = LOAD(g_lanes[lane].requests_handled);
}

void outcomes_clear_lane_reports(void) {
  uint32_t lane;
  for (lane = 0; lane < OUTCOMES_MAX_LANES; ++lane) {
    __atomic_store_n(&g_lanes[lane].seen, 0, __ATOMIC_RELAXED);
  }
}

int outcomes_probe_answer(uint32_t index, int32_t* code, char* message,
                          size_t cap) {
  if (index >= OUTCOMES_MAX_PROBES ||
      !__atomic_load_n(&g_probes[index].arrived, __ATOMIC_ACQUIRE)) {
    return 0;
  }
  *code = g_probes[index].code;
  snprintf(message, cap, "%s", g_probes[index].message);
  return 1;
}
