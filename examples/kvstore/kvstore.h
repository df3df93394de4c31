/* kvstore.h — the methods and wire format of the kvstore example library.
 *
 * kvstore is a key/value store served through tether: each lane owns one
 * shard, and a key always lives on the lane its affinity key selects. A host
 * loads it with tether_runtime_open_path(path, KVSTORE_ENTRY_SYMBOL, ...).
 *
 * Wire format. Integers are little-endian. A "string" is a u32 byte count
 * followed by that many bytes (no NUL). A payload must be consumed exactly:
 * a short payload, a count running past its end, or bytes left over are all
 * rejected with KVSTORE_ERR_BAD_PAYLOAD.
 *
 *   method               payload                reply (TETHER_OK)
 *   KVSTORE_METHOD_PUT     string key, string value   empty
 *   KVSTORE_METHOD_GET     string key                 the value's bytes
 *   KVSTORE_METHOD_DELETE  string key                 u8: 1 removed, 0 absent
 *   KVSTORE_METHOD_SLOW    u64 delay_ns               empty, after the delay
 *   KVSTORE_METHOD_STATS   empty                      KVSTORE_STATS_SIZE bytes
 *
 * Affinity. PUT, GET and DELETE are keyed: the call's tether key must be the
 * kv key's affinity key, the 64-bit FNV-1a hash of its bytes with the top bit
 * cleared (so it never equals TETHER_KEY_ANY); see KVSTORE_FNV_* below. Any
 * other tether key is rejected with KVSTORE_ERR_WRONG_AFFINITY, because the
 * shard it would reach may not hold the kv key. SLOW and STATS take any key.
 *
 * Errors come back as TETHER_E_LIBRARY with one of the KVSTORE_ERR_* codes
 * in completion->library_code and a message in completion->error. */
#ifndef KVSTORE_KVSTORE_H
#define KVSTORE_KVSTORE_H

#include <stdint.h>

/* The exported tether_library_entry_fn. */
#define KVSTORE_ENTRY_SYMBOL "tether_kvstore_library"

#define KVSTORE_METHOD_PUT ((uint32_t)1)
#define KVSTORE_METHOD_GET ((uint32_t)2)
#define KVSTORE_METHOD_DELETE ((uint32_t)3)
#define KVSTORE_METHOD_SLOW ((uint32_t)4)
#define KVSTORE_METHOD_STATS ((uint32_t)5)

/* GET of a key the shard does not hold. */
#define KVSTORE_ERR_NOT_FOUND ((int32_t)1)
/* A payload that does not follow the wire format. */
#define KVSTORE_ERR_BAD_PAYLOAD ((int32_t)2)
/* A method id not listed above. */
#define KVSTORE_ERR_UNKNOWN_METHOD ((int32_t)3)
/* A keyed call whose tether key is not the kv key's affinity key. */
#define KVSTORE_ERR_WRONG_AFFINITY ((int32_t)4)
/* The shard could not store the entry (out of memory). */
#define KVSTORE_ERR_NO_MEMORY ((int32_t)5)
/* tether refused the timer a SLOW call needs (the lane is stopping). */
#define KVSTORE_ERR_TIMER ((int32_t)6)

/* Longest delay SLOW accepts: 10 seconds. */
#define KVSTORE_SLOW_MAX_NS ((uint64_t)10000000000u)

/* FNV-1a, 64 bits: start from the offset basis; for each byte, xor it in and
 * multiply by the prime (mod 2^64). Then clear the top bit. */
#define KVSTORE_FNV_OFFSET_BASIS ((uint64_t)0xcbf29ce484222325u)
#define KVSTORE_FNV_PRIME ((uint64_t)0x100000001b3u)
#define KVSTORE_AFFINITY_MASK ((uint64_t)0x7fffffffffffffffu)

/* STATS reply layout (byte offsets):
 *   0  u64 sessions created, process-wide: one per lane thread that has run
 *      a request. Equal to the number of lanes once every lane has served a
 *      call; more would mean library code ran on a thread that is not a lane.
 *   8  u64 entries in the shard of the lane that answered
 *   16 u64 requests handled by that lane's session, this one included
 *   24 u32 index of the lane that answered
 *   28 u32 zero */
#define KVSTORE_STATS_SIZE 32
#define KVSTORE_STATS_SESSIONS_OFFSET 0
#define KVSTORE_STATS_ENTRIES_OFFSET 8
#define KVSTORE_STATS_HANDLED_OFFSET 16
#define KVSTORE_STATS_LANE_OFFSET 24

#endif /* KVSTORE_KVSTORE_H */
