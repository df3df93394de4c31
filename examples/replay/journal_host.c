/* journal_host: drives the journal library through tether with the boundary
 * recorder on and payload capture, from a few threads over many keys, with
 * a seeded generator, until the library crashes (or --calls runs out).
 *
 *   journal_host --library PATH --capture-dir DIR [--lanes N] [--threads N]
 *                [--seed N] [--calls N]
 *
 * The keys are shared out by lane: a first READ of each key says which lane
 * runs it, and thread i works the keys of the lanes l with l % threads == i.
 * Each thread makes one call at a time through a stream of its own, in
 * sessions on one key: OPEN, APPENDs and READs, CLOSE (at the latest after
 * kSessionCalls calls), and now and then a late APPEND right after the
 * CLOSE, which the library must refuse. So with as many threads as lanes a
 * lane's last calls are one thread's, and a crash report's last 16 calls
 * hold the whole session that led to a crash. With the crash handler
 * installed, a crash on a lane prints tether's report with those calls and
 * writes the recording to DIR/tether-capture-<pid>-<runtime>.jsonl. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "tether/tether.h"

enum { kKeys = 48, kMaxThreads = 8, kSessionCalls = 12 };

struct options {
  const char* library;
  const char* capture_dir;
  uint32_t lanes;
  uint32_t threads;
  uint64_t seed;
  uint64_t calls;
};

struct worker {
  tether_runtime* runtime;
  uint64_t keys[kKeys];
  uint32_t key_count;
  uint64_t rng;
  uint64_t calls;
  atomic_uint in_flight;
  int failed;
};

static atomic_uint_fast64_t g_completed;
/* Which lane ran each key's first call (UINT32_MAX: not known yet). */
static _Atomic uint32_t g_lane_of[kKeys];
static atomic_uint g_probes_done;

static uint64_t next_random(uint64_t* state) { /* xorshift64* */
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static void free_buffers(tether_completion* completion) {
  tether_buf_free(completion->result);
  tether_buf_free(completion->error);
}

static void on_completion(tether_completion* completion) {
  struct worker* worker = (struct worker*)(uintptr_t)completion->user_data;
  free_buffers(completion);
  atomic_fetch_add(&g_completed, 1);
  atomic_store(&worker->in_flight, 0);
}

static void on_probe(tether_completion* completion) {
  const uint32_t lane =
      completion->struct_size >=
              offsetof(tether_completion, lane) + sizeof completion->lane
          ? completion->lane
          : 0;
  atomic_store(&g_lane_of[completion->user_data], lane);
  free_buffers(completion);
  atomic_fetch_add(&g_probes_done, 1);
}

/* A READ of every key (refused: no journal yet) tells its lane. */
static int find_lanes(tether_runtime* runtime) {
  for (uint64_t key = 0; key < kKeys; ++key) {
    tether_call call;
    tether_call_init(&call);
    call.method = JOURNAL_READ;
    call.key = key;
    if (tether_submit(runtime, &call, on_probe, key, NULL) != TETHER_OK) {
      return 0;
    }
  }
  while (atomic_load(&g_probes_done) != kKeys) sched_yield();
  return 1;
}

static uint64_t pick_key(struct worker* worker) {
  return worker->keys[next_random(&worker->rng) % worker->key_count];
}

static uint32_t roll(struct worker* worker) {
  return (uint32_t)(next_random(&worker->rng) % 100);
}

/* The next call of a session on one key: `calls` made since its OPEN. */
static uint32_t next_in_session(struct worker* worker, uint32_t calls) {
  if (calls + 1 >= kSessionCalls) return JOURNAL_CLOSE;
  const uint32_t r = roll(worker);
  if (r < 60) return JOURNAL_APPEND;
  if (r < 75) return JOURNAL_READ;
  return JOURNAL_CLOSE;
}

static int submit(struct worker* worker, tether_stream* stream, uint64_t key,
                  uint32_t method) {
  unsigned char entry[64];
  tether_call call;
  tether_call_init(&call);
  call.method = method;
  call.key = key;
  if (method == JOURNAL_APPEND) {
    call.payload_len = 1 + next_random(&worker->rng) % sizeof entry;
    for (size_t i = 0; i < call.payload_len; ++i) {
      entry[i] = (unsigned char)next_random(&worker->rng);
    }
    call.payload = entry;
  }
  atomic_store(&worker->in_flight, 1);
  const tether_status status = tether_stream_submit(
      stream, &call, on_completion, (uint64_t)(uintptr_t)worker, NULL);
  if (status != TETHER_OK) {
    atomic_store(&worker->in_flight, 0);
    fprintf(stderr, "journal_host: submit: %s\n", tether_status_str(status));
    return 0;
  }
  /* One call at a time: the session's order is the lane's. */
  while (atomic_load(&worker->in_flight) != 0) sched_yield();
  return 1;
}

static void* drive(void* arg) {
  struct worker* worker = arg;
  if (worker->key_count == 0) return NULL;
  tether_stream* stream = NULL;
  if (tether_stream_open(worker->runtime, &stream) != TETHER_OK) {
    worker->failed = 1;
    return NULL;
  }
  uint64_t made = 0;
  while (made < worker->calls && !worker->failed) {
    const uint64_t key = pick_key(worker);
    if (roll(worker) < 30) { /* a look at a journal, open or not */
      worker->failed = !submit(worker, stream, key, JOURNAL_READ);
      ++made;
      continue;
    }
    worker->failed = !submit(worker, stream, key, JOURNAL_OPEN);
    ++made;
    uint32_t method = JOURNAL_OPEN;
    for (uint32_t calls = 1; method != JOURNAL_CLOSE && !worker->failed;
         ++calls, ++made) {
      method = next_in_session(worker, calls);
      worker->failed = !submit(worker, stream, key, method);
    }
    if (!worker->failed && roll(worker) < 25) { /* a writer that was late */
      worker->failed = !submit(worker, stream, key, JOURNAL_APPEND);
      ++made;
    }
  }
  tether_stream_destroy(stream);
  return NULL;
}

static int parse_number(const char* text, uint64_t* value) {
  char* end = NULL;
  if (text == NULL || *text < '0' || *text > '9') return 0;
  *value = strtoull(text, &end, 10);
  return *end == '\0';
}

static int parse_options(int argc, char** argv, struct options* options) {
  options->lanes = 3;
  options->threads = 3;
  options->seed = 1;
  options->calls = 100000;
  for (int i = 1; i < argc; ++i) {
    const char* name = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    uint64_t number = 0;
    if (value == NULL) return 0;
    ++i;
    if (strcmp(name, "--library") == 0) {
      options->library = value;
    } else if (strcmp(name, "--capture-dir") == 0) {
      options->capture_dir = value;
    } else if (!parse_number(value, &number)) {
      return 0;
    } else if (strcmp(name, "--lanes") == 0 && number >= 1 && number <= 256) {
      options->lanes = (uint32_t)number;
    } else if (strcmp(name, "--threads") == 0 && number >= 1 &&
               number <= kMaxThreads) {
      options->threads = (uint32_t)number;
    } else if (strcmp(name, "--seed") == 0) {
      options->seed = number;
    } else if (strcmp(name, "--calls") == 0) {
      options->calls = number;
    } else {
      return 0;
    }
  }
  return options->library != NULL && options->capture_dir != NULL;
}

int main(int argc, char** argv) {
  struct options options = {0};
  if (!parse_options(argc, argv, &options)) {
    fprintf(stderr,
            "usage: journal_host --library PATH --capture-dir DIR [--lanes N]"
            " [--threads N] [--seed N] [--calls N]\n");
    return 2;
  }
  if (tether_crash_handler_install() != TETHER_OK) return 1;
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = options.lanes;
  config.recorder_entries = 4096;
  config.capture_bytes = 1u << 20;
  config.capture_dir = options.capture_dir;
  tether_runtime* runtime = NULL;
  char* error = NULL;
  tether_status status = tether_runtime_open_path(
      options.library, "journal_library", &config, &runtime, &error);
  if (status != TETHER_OK) {
    fprintf(stderr, "journal_host: %s: %s\n", tether_status_str(status),
            error != NULL ? error : "");
    tether_buf_free(error);
    return 1;
  }
  if (!find_lanes(runtime)) {
    fprintf(stderr, "journal_host: cannot submit the first READs\n");
    tether_runtime_destroy(runtime);
    return 1;
  }
  static struct worker workers[kMaxThreads];
  pthread_t threads[kMaxThreads];
  for (uint32_t i = 0; i < options.threads; ++i) {
    struct worker* worker = &workers[i];
    worker->runtime = runtime;
    worker->key_count = 0;
    for (uint64_t key = 0; key < kKeys; ++key) {
      if (atomic_load(&g_lane_of[key]) % options.threads == i) {
        worker->keys[worker->key_count++] = key;
      }
    }
    worker->rng = options.seed * 0x9E3779B97F4A7C15ULL + i + 1;
    worker->calls = options.calls;
    atomic_init(&worker->in_flight, 0);
    worker->failed = 0;
    pthread_create(&threads[i], NULL, drive, worker);
  }
  int failed = 0;
  for (uint32_t i = 0; i < options.threads; ++i) {
    pthread_join(threads[i], NULL);
    failed |= workers[i].failed;
  }
  tether_runtime_destroy(runtime);
  printf("journal_host: %llu calls completed, no crash\n",
         (unsigned long long)atomic_load(&g_completed));
  return failed ? 1 : 3;
}
