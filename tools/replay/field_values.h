// Conversions of a recording's JSON values to the types of its fields,
// each refusing what the format does not allow with a message naming the
// field.
#ifndef TETHER_TOOLS_REPLAY_FIELD_VALUES_H_
#define TETHER_TOOLS_REPLAY_FIELD_VALUES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "json_line.h"

namespace tether::replay {

// Each returns false and sets *error when `object` has no field `name` (or
// when it has one of the wrong kind, or outside [0, max] / [min, max]).
bool unsigned_field(const JsonObject& object, const char* name, uint64_t max,
                    uint64_t* value, std::string* error);
bool signed_field(const JsonObject& object, const char* name, int64_t min,
                  int64_t max, int64_t* value, std::string* error);
bool string_field(const JsonObject& object, const char* name,
                  std::string* value, std::string* error);
// 16 lowercase hex digits.
bool digest_field(const JsonObject& object, const char* name, uint64_t* value,
                  std::string* error);
// Lowercase hex, two digits per byte.
bool hex_bytes_field(const JsonObject& object, const char* name,
                     std::vector<unsigned char>* bytes, std::string* error);

// 16 lowercase hex digits, as the format prints a digest.
std::string digest_text(uint64_t digest);

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_FIELD_VALUES_H_
