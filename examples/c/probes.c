#include "probes.h"

#include <stdio.h>
#include <string.h>

#include "kv_wire.h"
#include "kvstore.h"
#include "outcomes.h"
#include "submit.h"
#include "tags.h"

typedef struct probe {
  const char* what;
  uint32_t method;
  uint64_t key;
  uint8_t payload[32];
  size_t payload_len;
  int32_t expected_code;
} probe;

/* The probes, built at run time because their payloads are encoded. */
static size_t build_probes(probe* probes) {
  static const char kKey[] = "user:0:0";
  static const char kAbsent[] = "never-written";
  const uint64_t user_key = kv_affinity_key(kKey, strlen(kKey));
  size_t n = 0;
  memset(probes, 0, sizeof(probe) * OUTCOMES_MAX_PROBES);

  probes[n].what = "PUT with a 3-byte payload";
  probes[n].method = KVSTORE_METHOD_PUT;
  probes[n].key = user_key;
  probes[n].payload_len = 3;
  probes[n++].expected_code = KVSTORE_ERR_BAD_PAYLOAD;

  probes[n].what = "GET whose key length runs past the end";
  probes[n].method = KVSTORE_METHOD_GET;
  probes[n].key = user_key;
  kv_write_u32(probes[n].payload, 1000);
  memcpy(probes[n].payload + 4, "abc", 3);
  probes[n].payload_len = 7;
  probes[n++].expected_code = KVSTORE_ERR_BAD_PAYLOAD;

  probes[n].what = "PUT with bytes after the value";
  probes[n].method = KVSTORE_METHOD_PUT;
  probes[n].key = user_key;
  kv_write_put_payload(probes[n].payload, kKey, strlen(kKey), "v", 1);
  probes[n].payload_len = kv_put_payload_size(strlen(kKey), 1) + 2;
  probes[n++].expected_code = KVSTORE_ERR_BAD_PAYLOAD;

  probes[n].what = "SLOW over the delay limit";
  probes[n].method = KVSTORE_METHOD_SLOW;
  probes[n].key = TETHER_KEY_ANY;
  kv_write_u64(probes[n].payload, KVSTORE_SLOW_MAX_NS + 1);
  probes[n].payload_len = 8;
  probes[n++].expected_code = KVSTORE_ERR_BAD_PAYLOAD;

  probes[n].what = "unknown method 99";
  probes[n].method = 99;
  probes[n].key = TETHER_KEY_ANY;
  probes[n++].expected_code = KVSTORE_ERR_UNKNOWN_METHOD;

  probes[n].what = "GET sent with another key's tether key";
  probes[n].method = KVSTORE_METHOD_GET;
  probes[n].key = 42;
  kv_write_key_payload(probes[n].payload, kKey, strlen(kKey));
  probes[n].payload_len = kv_key_payload_size(strlen(kKey));
  probes[n++].expected_code = KVSTORE_ERR_WRONG_AFFINITY;

  probes[n].what = "GET of a key never written";
  probes[n].method = KVSTORE_METHOD_GET;
  probes[n].key = kv_affinity_key(kAbsent, strlen(kAbsent));
  kv_write_key_payload(probes[n].payload, kAbsent, strlen(kAbsent));
  probes[n].payload_len = kv_key_payload_size(strlen(kAbsent));
  probes[n++].expected_code = KVSTORE_ERR_NOT_FOUND;
  return n;
}

int probes_run(tether_runtime* runtime) {
  probe probes[OUTCOMES_MAX_PROBES];
  size_t count = build_probes(probes);
  submit_route route;
  tether_call call;
  int32_t code;
  char message[256];
  int wrong = 0;
  size_t i;
  route.runtime = runtime;
  route.cq = NULL;
  for (i = 0; i < count; ++i) {
    tether_call_init(&call);
    call.method = probes[i].method;
    call.key = probes[i].key;
    call.payload = probes[i].payload;
    call.payload_len = probes[i].payload_len;
    if (submit_call(&route, &call, demo_tag(DEMO_OP_PROBE, 0, (uint32_t)i),
                    NULL) != TETHER_OK) {
      ++wrong;
    }
  }
  outcomes_wait_all(OUTCOMES_STALL_NS);
  printf("bad inputs, each answered with a library error:\n");
  for (i = 0; i < count; ++i) {
    if (!outcomes_probe_answer((uint32_t)i, &code, message, sizeof message)) {
      printf("  %-40s no answer -- FAIL\n", probes[i].what);
      ++wrong;
      continue;
    }
    printf("  %-40s code %ld: %s -- %s\n", probes[i].what, (long)code, message,
           code == probes[i].expected_code ? "OK" : "FAIL");
    if (code != probes[i].expected_code) ++wrong;
  }
  return wrong;
}
