/* tags.h — what each call's user_data (or completion-queue tag) carries:
 * the kind of call, which says what outcome to expect, plus the submitting
 * thread and an index, enough to rebuild the kv key and the value a GET must
 * return. Packed into 64 bits, as tether wants: op in bits 56-63, thread in
 * bits 32-47, index in bits 0-31. */
#ifndef KVSTORE_DEMO_TAGS_H
#define KVSTORE_DEMO_TAGS_H

#include <stddef.h>
#include <stdint.h>

typedef enum demo_op {
  DEMO_OP_PUT = 1,        /* TETHER_OK, empty reply */
  DEMO_OP_GET_HIT,        /* TETHER_OK, the value demo_user_value names */
  DEMO_OP_GET_MISS,       /* TETHER_E_LIBRARY, KVSTORE_ERR_NOT_FOUND */
  DEMO_OP_DELETE_HIT,     /* TETHER_OK, reply byte 1 */
  DEMO_OP_SLOW,           /* TETHER_OK, after its delay */
  DEMO_OP_SLOW_DEADLINE,  /* TETHER_E_DEADLINE: deadline before the delay */
  DEMO_OP_SLOW_CANCELLED, /* TETHER_E_CANCELLED: tether_cancel'd */
  DEMO_OP_STATS,          /* TETHER_OK, KVSTORE_STATS_SIZE bytes */
  DEMO_OP_PROBE           /* TETHER_E_LIBRARY, code checked by its sender */
} demo_op;

uint64_t demo_tag(demo_op op, uint32_t thread, uint32_t index);
demo_op demo_tag_op(uint64_t tag);
uint32_t demo_tag_thread(uint64_t tag);
uint32_t demo_tag_index(uint64_t tag);
const char* demo_op_name(demo_op op);

/* The user key a (thread, index) pair names, and the value stored under it.
 * Both are NUL-terminated in `out`; cap of 64 is always enough. */
void demo_user_key(char* out, size_t cap, uint32_t thread, uint32_t index);
void demo_user_value(char* out, size_t cap, uint32_t thread, uint32_t index);

#endif /* KVSTORE_DEMO_TAGS_H */
