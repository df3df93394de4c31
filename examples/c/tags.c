#include "tags.h"

#include <stdio.h>

uint64_t demo_tag(demo_op op, uint32_t thread, uint32_t index) {
  return ((uint64_t)op << 56) | ((uint64_t)(thread & 0xffff) << 32) | index;
}

demo_op demo_tag_op(uint64_t tag) { return (demo_op)(tag >> 56); }

uint32_t demo_tag_thread(uint64_t tag) {
  return (uint32_t)((tag >> 32) & 0xffff);
}

uint32_t demo_tag_index(uint64_t tag) { return (uint32_t)tag; }

const char* demo_op_name(demo_op op) {
  switch (op) {
    case DEMO_OP_PUT:
      return "PUT";
    case DEMO_OP_GET_HIT:
      return "GET (present)";
    case DEMO_OP_GET_MISS:
      return "GET (absent)";
    case DEMO_OP_DELETE_HIT:
      return "DELETE";
    case DEMO_OP_SLOW:
      return "SLOW";
    case DEMO_OP_SLOW_DEADLINE:
      return "SLOW (deadline)";
    case DEMO_OP_SLOW_CANCELLED:
      return "SLOW (cancelled)";
    case DEMO_OP_STATS:
      return "STATS";
    case DEMO_OP_PROBE:
      return "bad input";
  }
  return "unknown";
}

void demo_user_key(char* out, size_t cap, uint32_t thread, uint32_t index) {
  snprintf(out, cap, "user:%lu:%lu", (unsigned long)thread,
           (unsigned long)index);
}

void demo_user_value(char* out, size_t cap, uint32_t thread, uint32_t index) {
  snprintf(out, cap, "value-for-user:%lu:%lu", (unsigned long)thread,
           (unsigned long)index);
}
