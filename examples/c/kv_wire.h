/* kv_wire.h — kvstore payloads for a C host (the format is in kvstore.h). */
#ifndef KVSTORE_DEMO_KV_WIRE_H
#define KVSTORE_DEMO_KV_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* The tether key a kv key must be submitted with: FNV-1a 64 of its bytes,
 * top bit cleared. */
uint64_t kv_affinity_key(const char* key, size_t key_len);

/* Bytes a GET or DELETE payload takes, and a PUT payload. */
size_t kv_key_payload_size(size_t key_len);
size_t kv_put_payload_size(size_t key_len, size_t value_len);

/* Write a payload into `out`, which must hold the size above.
 * REQUIRES: key_len and value_len fit in 32 bits. */
void kv_write_key_payload(uint8_t* out, const char* key, size_t key_len);
void kv_write_put_payload(uint8_t* out, const char* key, size_t key_len,
                          const char* value, size_t value_len);

void kv_write_u32(uint8_t* out, uint32_t value);
void kv_write_u64(uint8_t* out, uint64_t value);
uint32_t kv_read_u32(const uint8_t* in);
uint64_t kv_read_u64(const uint8_t* in);

#endif /* KVSTORE_DEMO_KV_WIRE_H */
