/* Prints, as a Lua table, the sizes and offsets of the public structs and
 * the values of the public constants, as the C compiler sees them in the
 * installed headers. test/test_abi.lua compares them with the FFI
 * declarations in tether/cdef.lua and tether/constants.lua. */
#include <stddef.h>
#include <stdio.h>

#include "tether/tether.h"

#define SIZE(type) printf("  [\"sizeof %s\"] = %zu,\n", #type, sizeof(type))
#define FIELD(type, field) \
  printf("  [\"%s.%s\"] = %zu,\n", #type, #field, offsetof(type, field))
#define CONSTANT(name) \
  printf("  [\"%s\"] = %lld,\n", #name + 7, (long long)(name))

int main(void) {
  printf("return {\n");
  SIZE(tether_runtime_config);
  FIELD(tether_runtime_config, lanes);
  FIELD(tether_runtime_config, pin_lanes);
  FIELD(tether_runtime_config, deliver);
  FIELD(tether_runtime_config, max_calls_in_flight);
  FIELD(tether_runtime_config, max_bytes_in_flight);
  FIELD(tether_runtime_config, max_payload_bytes);
  FIELD(tether_runtime_config, spin_ns);
  FIELD(tether_runtime_config, library_data);
  FIELD(tether_runtime_config, growth_threshold);
  FIELD(tether_runtime_config, leak_check);
  FIELD(tether_runtime_config, buffer_debug);
  FIELD(tether_runtime_config, recorder_entries);
  FIELD(tether_runtime_config, capture_max_payload);
  FIELD(tether_runtime_config, capture_bytes);
  FIELD(tether_runtime_config, capture_dir);
  SIZE(tether_call);
  FIELD(tether_call, method);
  FIELD(tether_call, flags);
  FIELD(tether_call, key);
  FIELD(tether_call, timeout_ns);
  FIELD(tether_call, payload);
  FIELD(tether_call, payload_len);
  SIZE(tether_completion);
  FIELD(tether_completion, user_data);
  FIELD(tether_completion, ticket);
  FIELD(tether_completion, status);
  FIELD(tether_completion, library_code);
  FIELD(tether_completion, result);
  FIELD(tether_completion, result_len);
  FIELD(tether_completion, error);
  FIELD(tether_completion, error_len);
  FIELD(tether_completion, lane);
  FIELD(tether_completion, latency_ns);
  SIZE(tether_stats);
  FIELD(tether_stats, submitted);
  FIELD(tether_stats, in_flight);
  FIELD(tether_stats, late_replies);
  FIELD(tether_stats, callback_exceptions);
  FIELD(tether_stats, lanes);
  FIELD(tether_stats, queue_depth);
  FIELD(tether_stats, cq_backlog);
  FIELD(tether_stats, buffers_live);
  FIELD(tether_stats, latency_p999_ns);
  SIZE(tether_lane_stats);
  FIELD(tether_lane_stats, lane);
  FIELD(tether_lane_stats, queue_depth);
  FIELD(tether_lane_stats, handled);
  FIELD(tether_lane_stats, parks);

  CONSTANT(TETHER_VERSION_MAJOR);
  CONSTANT(TETHER_VERSION_MINOR);
  CONSTANT(TETHER_VERSION_PATCH);
  CONSTANT(TETHER_VERSION_NUMBER);
  CONSTANT(TETHER_OK);
  CONSTANT(TETHER_E_INVALID_ARG);
  CONSTANT(TETHER_E_BUSY);
  CONSTANT(TETHER_E_CLOSED);
  CONSTANT(TETHER_E_CANCELLED);
  CONSTANT(TETHER_E_DEADLINE);
  CONSTANT(TETHER_E_LIBRARY);
  CONSTANT(TETHER_E_STALE_TICKET);
  CONSTANT(TETHER_E_ALREADY_COMPLETED);
  CONSTANT(TETHER_E_WOULD_DEADLOCK);
  CONSTANT(TETHER_E_FORKED);
  CONSTANT(TETHER_E_NO_MEMORY);
  CONSTANT(TETHER_E_TOO_LARGE);
  CONSTANT(TETHER_E_LOAD);
  CONSTANT(TETHER_E_VERSION);
  CONSTANT(TETHER_E_WRONG_THREAD);
  CONSTANT(TETHER_E_FOREIGN_BUFFER);
  CONSTANT(TETHER_E_DOUBLE_FREE);
  CONSTANT(TETHER_E_INTERNAL);
  CONSTANT(TETHER_E_BUFFER_CORRUPT);
  CONSTANT(TETHER_DELIVER_ON_LANE);
  CONSTANT(TETHER_DELIVER_ON_THREAD);
  CONSTANT(TETHER_LEAK_CHECK_OFF);
  CONSTANT(TETHER_LEAK_CHECK_LOG);
  CONSTANT(TETHER_LEAK_CHECK_FAIL);
  CONSTANT(TETHER_SHUTDOWN_DRAIN);
  CONSTANT(TETHER_SHUTDOWN_CANCEL);
  CONSTANT(TETHER_CALL_MOVE_PAYLOAD);
  CONSTANT(TETHER_BUF_MAX_SIZE);
  CONSTANT(TETHER_BUF_MODE_RELEASE);
  CONSTANT(TETHER_BUF_MODE_DEBUG);
  CONSTANT(TETHER_BUF_NEW_BYTE);
  CONSTANT(TETHER_BUF_FREED_BYTE);
  CONSTANT(TETHER_BUF_GUARD_BYTE);
  CONSTANT(TETHER_BUF_PROBLEM_DOUBLE_FREE);
  CONSTANT(TETHER_BUF_PROBLEM_FOREIGN);
  CONSTANT(TETHER_BUF_PROBLEM_OVERWRITE);
  CONSTANT(TETHER_BUF_PROBLEM_UNDERWRITE);
  CONSTANT(TETHER_BUF_PROBLEM_WRITE_AFTER_FREE);
  CONSTANT(TETHER_LOG_DEBUG);
  CONSTANT(TETHER_LOG_INFO);
  CONSTANT(TETHER_LOG_WARN);
  CONSTANT(TETHER_LOG_ERROR);
  CONSTANT(TETHER_LOG_OFF);
  /* Unsigned 64-bit: printed as a hex literal LuaJIT reads as uint64_t. */
  printf("  KEY_ANY = 0x%llxULL,\n", (unsigned long long)TETHER_KEY_ANY);
  printf("  COMPLETION_MIN_SIZE = %zu,\n", TETHER_COMPLETION_MIN_SIZE);
  printf("}\n");
  return 0;
}
