#define _GNU_SOURCE
#include "shim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int32_t (*open_fn)(const char*, uint32_t, uint32_t);
typedef int32_t (*call_fn)(uint32_t, const uint8_t*, size_t, uint8_t**,
                           size_t*);
typedef void (*free_fn)(uint8_t*, size_t);
typedef uint64_t (*count_fn)(void);

/* Written once by go_shim_load before any call (the Go side orders it). */
static call_fn g_call;
static free_fn g_free;
static count_fn g_sessions;
static count_fn g_busy;

int32_t go_shim_load(const char* path, const char* db, uint32_t busy_timeout_ms,
                     uint32_t flags, char* why, size_t why_len) {
  void* module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  open_fn open;
  int32_t code;
  if (module == NULL) {
    snprintf(why, why_len, "dlopen: %s", dlerror());
    return -2;
  }
  open = (open_fn)dlsym(module, "store_shim_open");
  g_call = (call_fn)dlsym(module, "store_shim_call");
  g_free = (free_fn)dlsym(module, "store_shim_free");
  g_sessions = (count_fn)dlsym(module, "store_shim_sessions_created");
  g_busy = (count_fn)dlsym(module, "store_shim_busy_answers");
  if (open == NULL || g_call == NULL || g_free == NULL || g_sessions == NULL ||
      g_busy == NULL) {
    snprintf(why, why_len, "%s lacks a store_shim_* symbol", path);
    return -2;
  }
  code = open(db, busy_timeout_ms, flags);
  if (code != 0) snprintf(why, why_len, "store_shim_open(%s): %d", db, code);
  return code;
}

go_shim_result go_shim_call(uint32_t method, const void* payload,
                            size_t payload_len, void* out, size_t out_cap) {
  go_shim_result r;
  uint8_t* data = NULL;
  size_t len = 0;
  r.code = g_call(method, (const uint8_t*)payload, payload_len, &data, &len);
  r.tid = (int32_t)syscall(SYS_gettid);
  r.len = len;
  r.heap = NULL;
  if (data != NULL && len <= out_cap) {
    memcpy(out, data, len);
    g_free(data, len);
  } else {
    r.heap = data;
  }
  return r;
}

void go_shim_free(uint8_t* heap, size_t len) { g_free(heap, len); }

uint64_t go_shim_sessions_created(void) { return g_sessions(); }

uint64_t go_shim_busy_answers(void) { return g_busy(); }
