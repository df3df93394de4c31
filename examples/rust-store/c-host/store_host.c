/* store_host — a C host for store-tether, through tether's public C API.
 *
 *   store_host LIBRARY DATABASE [--lanes N] [--waves N] [--threads N]
 *
 * Loads LIBRARY (libstore_tether.so) by path and symbol, naming the
 * database in STORE_TETHER_DB, which store-tether reads as each lane
 * starts. Waves of short-lived threads each put keys
 * of their own and read them back through a completion queue of their own;
 * then it checks:
 *   - a bad payload comes back as the store's BAD_PAYLOAD library error;
 *   - every write is readable afterwards, and a SCAN of one thread's keys
 *     returns them in order;
 *   - the store built one session per lane (its code ran only on lanes),
 *     however many host threads came and went;
 *   - after a draining shutdown the leak report is empty and no tether
 *     buffer is live.
 * Exit status 0 only if every check holds. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether/tether.h"

#define ENTRY_SYMBOL "tether_store_library"
#define METHOD_PUT 1u
#define METHOD_GET 2u
#define METHOD_SCAN 4u
#define METHOD_STATS 6u
#define CODE_BAD_PAYLOAD 2
#define STATS_SIZE 32
#define KEYS_PER_THREAD 50
#define MAX_THREADS 64
#define MAX_LANES 64

static tether_runtime* g_runtime;
static int g_failed;

static void check(int holds, const char* what) {
  printf("%s -- %s\n", what, holds ? "OK" : "FAIL");
  if (!holds) g_failed = 1;
}

/* A field: u32 little-endian length, then the bytes. */
static size_t put_field(uint8_t* out, const char* bytes, size_t len) {
  out[0] = (uint8_t)len;
  out[1] = (uint8_t)(len >> 8);
  out[2] = (uint8_t)(len >> 16);
  out[3] = (uint8_t)(len >> 24);
  memcpy(out + 4, bytes, len);
  return 4 + len;
}

static uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  int i;
  for (i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

static uint32_t get_u32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* Makes one call through `cq` and waits for it. On return the caller owns
 * c->result and c->error. */
static tether_status call(tether_cq* cq, uint32_t method, uint64_t key,
                          const void* payload, size_t len,
                          tether_completion* c) {
  tether_call request;
  size_t got = 0;
  tether_status status;
  tether_call_init(&request);
  request.method = method;
  request.key = key;
  request.payload = payload;
  request.payload_len = len;
  memset(c, 0, sizeof *c);
  status = tether_submit_cq(g_runtime, &request, cq, 0, NULL);
  if (status != TETHER_OK) return status;
  while (got == 0) {
    status = tether_cq_poll(cq, c, sizeof *c, 1, UINT64_MAX, &got);
    if (status != TETHER_OK) return status;
  }
  return c->status;
}

static void release(tether_completion* c) {
  tether_buf_free(c->result);
  tether_buf_free(c->error);
}

typedef struct worker {
  pthread_t thread;
  int id;
  int wrong;
} worker;

static void key_of(int id, int i, char* key, size_t size) {
  snprintf(key, size, "t%03d/k%03d", id, i);
}

static void value_of(int id, int i, char* value, size_t size) {
  snprintf(value, size, "value %d.%d", id, i);
}

static void* work(void* arg) {
  worker* w = (worker*)arg;
  tether_cq* cq = NULL;
  int i;
  if (tether_cq_open(g_runtime, &cq) != TETHER_OK) {
    w->wrong = KEYS_PER_THREAD;
    return NULL;
  }
  for (i = 0; i < KEYS_PER_THREAD; ++i) {
    char key[32], value[32];
    uint8_t payload[80];
    size_t len;
    tether_completion c;
    key_of(w->id, i, key, sizeof key);
    value_of(w->id, i, value, sizeof value);
    len = put_field(payload, key, strlen(key));
    len += put_field(payload + len, value, strlen(value));
    if (call(cq, METHOD_PUT, TETHER_KEY_ANY, payload, len, &c) != TETHER_OK)
      ++w->wrong;
    release(&c);
    len = put_field(payload, key, strlen(key));
    if (call(cq, METHOD_GET, TETHER_KEY_ANY, payload, len, &c) != TETHER_OK ||
        c.result_len != strlen(value) ||
        memcmp(c.result, value, c.result_len) != 0)
      ++w->wrong;
    release(&c);
  }
  tether_cq_destroy(cq);
  return NULL;
}

/* Reads every key of threads 0..threads-1 again; returns how many differ. */
static int reread(tether_cq* cq, int threads) {
  int id, i, wrong = 0;
  for (id = 0; id < threads; ++id) {
    for (i = 0; i < KEYS_PER_THREAD; ++i) {
      char key[32], value[32];
      uint8_t payload[40];
      tether_completion c;
      size_t len;
      key_of(id, i, key, sizeof key);
      value_of(id, i, value, sizeof value);
      len = put_field(payload, key, strlen(key));
      if (call(cq, METHOD_GET, TETHER_KEY_ANY, payload, len, &c) != TETHER_OK ||
          c.result_len != strlen(value) ||
          memcmp(c.result, value, c.result_len) != 0)
        ++wrong;
      release(&c);
    }
  }
  return wrong;
}

/* SCAN of thread 0's keys: KEYS_PER_THREAD rows in key order. */
static int scan_holds(tether_cq* cq) {
  uint8_t payload[64];
  size_t len = put_field(payload, "t000/", 5);
  tether_completion c;
  int holds;
  len += put_field(payload + len, "t0000", 5);
  memcpy(payload + len, "\x10\x27\0\0", 4); /* limit 10000 */
  len += 4;
  holds =
      call(cq, METHOD_SCAN, TETHER_KEY_ANY, payload, len, &c) == TETHER_OK &&
      c.result_len >= 4 && get_u32(c.result) == KEYS_PER_THREAD;
  if (holds) {
    const uint8_t* p = (const uint8_t*)c.result + 4;
    const uint8_t* end = (const uint8_t*)c.result + c.result_len;
    int i;
    for (i = 0; i < KEYS_PER_THREAD && holds; ++i) {
      char key[32];
      uint32_t n;
      key_of(0, i, key, sizeof key);
      n = end - p >= 4 ? get_u32(p) : UINT32_MAX;
      holds = n == strlen(key) && (size_t)(end - p) >= 4 + n &&
              memcmp(p + 4, key, n) == 0;
      p += 4 + n;
      n = holds && end - p >= 4 ? get_u32(p) : UINT32_MAX;
      holds = holds && (size_t)(end - p) >= 4 + (size_t)n;
      p += 4 + (size_t)n;
    }
    holds = holds && p == end;
  }
  release(&c);
  return holds;
}

/* Asks STATS with keys until `lanes` distinct sessions answered; returns
 * the sessions the store built, or UINT64_MAX on failure. */
static uint64_t sessions_built(tether_cq* cq, uint32_t lanes) {
  uint32_t seen[MAX_LANES];
  uint32_t nseen = 0;
  uint64_t built = UINT64_MAX;
  uint64_t key;
  for (key = 0; nseen < lanes && key < 100000; ++key) {
    tether_completion c;
    uint32_t id, j;
    if (call(cq, METHOD_STATS, key, NULL, 0, &c) != TETHER_OK ||
        c.result_len != STATS_SIZE) {
      release(&c);
      return UINT64_MAX;
    }
    built = get_u64(c.result);
    id = get_u32((const uint8_t*)c.result + 24);
    release(&c);
    for (j = 0; j < nseen && seen[j] != id; ++j) {
    }
    if (j == nseen) seen[nseen++] = id;
  }
  return nseen == lanes ? built : UINT64_MAX;
}

static int parse(const char* text, int low, int high, int* out) {
  char* end = NULL;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < low || v > high) return 0;
  *out = (int)v;
  return 1;
}

int main(int argc, char** argv) {
  tether_runtime_config config;
  char* error = NULL;
  tether_cq* cq = NULL;
  tether_completion c;
  tether_status status;
  char line[160];
  char* report = NULL;
  uint64_t findings = 0, live = 0, live_bytes = 0, built;
  int lanes = 2, waves = 4, threads = 8, wave, t, wrong = 0, argi;
  worker workers[MAX_THREADS];
  const uint8_t bad[3] = {9, 0, 0};

  if (argc < 3) {
    fprintf(stderr,
            "usage: store_host LIBRARY DATABASE [--lanes N] [--waves N] "
            "[--threads N]\n");
    return 2;
  }
  for (argi = 3; argi + 1 < argc; argi += 2) {
    int ok = 0;
    if (strcmp(argv[argi], "--lanes") == 0)
      ok = parse(argv[argi + 1], 1, MAX_LANES, &lanes);
    else if (strcmp(argv[argi], "--waves") == 0)
      ok = parse(argv[argi + 1], 1, 1000, &waves);
    else if (strcmp(argv[argi], "--threads") == 0)
      ok = parse(argv[argi + 1], 1, MAX_THREADS, &threads);
    if (!ok) {
      fprintf(stderr, "store_host: bad argument %s %s\n", argv[argi],
              argv[argi + 1]);
      return 2;
    }
  }
  if (argi != argc) {
    fprintf(stderr, "store_host: %s needs a value\n", argv[argi]);
    return 2;
  }

  if (setenv("STORE_TETHER_DB", argv[2], 1) != 0) {
    perror("store_host: setenv");
    return 1;
  }
  tether_runtime_config_init(&config);
  config.lanes = (uint32_t)lanes;
  status = tether_runtime_open_path(argv[1], ENTRY_SYMBOL, &config, &g_runtime,
                                    &error);
  if (status != TETHER_OK) {
    fprintf(stderr, "store_host: cannot open %s: %s: %s\n", argv[1],
            tether_status_str(status), error != NULL ? error : "(no detail)");
    tether_buf_free(error);
    return 1;
  }
  if (tether_cq_open(g_runtime, &cq) != TETHER_OK) return 1;

  status = call(cq, METHOD_GET, TETHER_KEY_ANY, bad, sizeof bad, &c);
  snprintf(line, sizeof line, "GET with a 3-byte payload: %s, code %d (%s)",
           tether_status_str(status), (int)c.library_code,
           c.error != NULL ? c.error : "no message");
  check(status == TETHER_E_LIBRARY && c.library_code == CODE_BAD_PAYLOAD, line);
  release(&c);

  for (wave = 0; wave < waves; ++wave) {
    for (t = 0; t < threads; ++t) {
      workers[t].id = t;
      workers[t].wrong = 0;
      pthread_create(&workers[t].thread, NULL, work, &workers[t]);
    }
    for (t = 0; t < threads; ++t) {
      pthread_join(workers[t].thread, NULL);
      wrong += workers[t].wrong;
    }
  }
  snprintf(line, sizeof line,
           "%d waves of %d threads, %d puts and gets each: %d wrong", waves,
           threads, 2 * KEYS_PER_THREAD, wrong);
  check(wrong == 0, line);
  wrong = reread(cq, threads);
  snprintf(line, sizeof line, "every write read again: %d wrong", wrong);
  check(wrong == 0, line);
  check(scan_holds(cq), "SCAN of one thread's keys returns them in order");

  built = sessions_built(cq, (uint32_t)lanes);
  snprintf(line, sizeof line,
           "sessions built: %llu for %d lanes and %d threads",
           (unsigned long long)built, lanes, waves * threads);
  check(built == (uint64_t)lanes, line);

  tether_cq_destroy(cq);
  status = tether_runtime_shutdown(g_runtime, TETHER_SHUTDOWN_DRAIN,
                                   (uint64_t)2000000000);
  check(status == TETHER_OK, "draining shutdown");
  if (tether_runtime_leak_report(g_runtime, &report, &findings) == TETHER_OK) {
    snprintf(line, sizeof line, "leak report after shutdown: %llu findings",
             (unsigned long long)findings);
    check(findings == 0, line);
    if (findings != 0) printf("%s", report);
    tether_buf_free(report);
  } else {
    check(0, "leak report");
  }
  tether_runtime_destroy(g_runtime);
  tether_buf_live(&live, &live_bytes);
  snprintf(line, sizeof line, "tether buffers live at exit: %llu",
           (unsigned long long)live);
  check(live == 0, line);
  printf("%s\n", g_failed ? "store_host: FAILED" : "store_host: ok");
  return g_failed;
}
