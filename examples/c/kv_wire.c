#include "kv_wire.h"

#include <string.h>

#include "kvstore.h"

uint64_t kv_affinity_key(const char* key, size_t key_len) {
  uint64_t hash = KVSTORE_FNV_OFFSET_BASIS;
  size_t i;
  for (i = 0; i < key_len; ++i) {
    hash ^= (uint8_t)key[i];
    hash *= KVSTORE_FNV_PRIME;
  }
  return hash & KVSTORE_AFFINITY_MASK;
}

size_t kv_key_payload_size(size_t key_len) { return 4 + key_len; }

size_t kv_put_payload_size(size_t key_len, size_t value_len) {
  return 4 + key_len + 4 + value_len;
}

void kv_write_key_payload(uint8_t* out, const char* key, size_t key_len) {
  kv_write_u32(out, (uint32_t)key_len);
  memcpy(out + 4, key, key_len);
}

void kv_write_put_payload(uint8_t* out, const char* key, size_t key_len,
                          const char* value, size_t value_len) {
  kv_write_key_payload(out, key, key_len);
  out += kv_key_payload_size(key_len);
  kv_write_u32(out, (uint32_t)value_len);
  memcpy(out + 4, value, value_len);
}

void kv_write_u32(uint8_t* out, uint32_t value) {
  int i;
  for (i = 0; i < 4; ++i) out[i] = (uint8_t)(value >> (8 * i));
}

void kv_write_u64(uint8_t* out, uint64_t value) {
  int i;
  for (i = 0; i < 8; ++i) out[i] = (uint8_t)(value >> (8 * i));
}

uint32_t kv_read_u32(const uint8_t* in) {
  uint32_t value = 0;
  int i;
  for (i = 0; i < 4; ++i) value |= (uint32_t)in[i] << (8 * i);
  return value;
}

uint64_t kv_read_u64(const uint8_t* in) {
  uint64_t value = 0;
  int i;
  for (i = 0; i < 8; ++i) value |= (uint64_t)in[i] << (8 * i);
  return value;
}
