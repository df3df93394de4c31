/* journal_host: drives the journal library through tether with the boundary
 * recorder on and payload capture, from a few threads over many keys, with
 * a seeded generator, until the library crashes (or --calls runs out).
 *
 *   journal_host --library PATH --capture-dir DIR [--lanes N] [--threads N]
 *                [--seed N] [--calls N]
 *
 * Each thread owns the keys k with k % threads == its index and submits
 * through a stream of its own, one call at a time, so each key's calls run
 * in the order the thread made them. Most traffic is well-formed (OPEN,
 * then APPENDs and READs, then CLOSE); one call in ten on a closed
 * journal is a late APPEND, which the library must refuse. With the crash
 * handler installed, a crash on a lane prints tether's report with the lane's
 * last calls and writes the recording to
 * DIR/tether-capture-<pid>-<runtime>.jsonl. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "tether/tether.h"

enum { kKeys = 48, kMaxThreads = 8 };

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
  uint32_t index;
  uint32_t threads;
  uint64_t rng;
  uint64_t calls;
  atomic_uint in_flight;
  int failed;
};

static atomic_uint_fast64_t g_completed;

static uint64_t next_random(uint64_t* state) { /* xorshift64* */
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static void on_completion(tether_completion* completion) {
  struct worker* worker = (struct worker*)(uintptr_t)completion->user_data;
  tether_buf_free(completion->result);
  tether_buf_free(completion->error);
  atomic_fetch_add(&g_completed, 1);
  atomic_store(&worker->in_flight, 0);
}

/* What the host does next with one key, given whether it believes the
 * journal open. */
static uint32_t next_method(struct worker* worker, int open) {
  const uint64_t roll = next_random(&worker->rng) % 100;
  if (open) {
    if (roll < 60) return JOURNAL_APPEND;
    if (roll < 75) return JOURNAL_READ;
    return JOURNAL_CLOSE;
  }
  if (roll < 65) return JOURNAL_OPEN;
  if (roll < 90) return JOURNAL_READ;
  return JOURNAL_APPEND; /* late: the journal is closed */
}

static uint64_t pick_key(struct worker* worker) {
  const uint32_t own = kKeys / worker->threads;
  return (next_random(&worker->rng) % own) * worker->threads + worker->index;
}

/* Sessions: a thread works one key at a time, one call at a time, until
 * the journal is closed and one more call on it was made; so a key's
 * calls sit close together on its lane, where a crash report shows them. */
static void* drive(void* arg) {
  struct worker* worker = arg;
  tether_stream* stream = NULL;
  if (tether_stream_open(worker->runtime, &stream) != TETHER_OK) {
    worker->failed = 1;
    return NULL;
  }
  unsigned char entry[64];
  uint64_t key = pick_key(worker);
  int open = 0;
  for (uint64_t made = 0; made < worker->calls;) {
    if (atomic_load(&worker->in_flight) != 0) {
      sched_yield();
      continue;
    }
    const uint32_t method = next_method(worker, open);
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
      worker->failed = 1;
      break;
    }
    ++made;
    if (method == JOURNAL_OPEN) {
      open = 1;
    } else if (method == JOURNAL_CLOSE) {
      open = 0;
    } else if (!open) {
      key = pick_key(worker); /* the session on this key is over */
    }
  }
  while (atomic_load(&worker->in_flight) != 0) sched_yield();
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
  struct worker workers[kMaxThreads];
  pthread_t threads[kMaxThreads];
  for (uint32_t i = 0; i < options.threads; ++i) {
    struct worker* worker = &workers[i];
    worker->runtime = runtime;
    worker->index = i;
    worker->threads = options.threads;
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
