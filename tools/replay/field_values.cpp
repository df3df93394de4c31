#include "field_values.h"

namespace tether::replay {
namespace {

const JsonField* find_kind(const JsonObject& object, const char* name,
                           JsonKind kind, const char* expected,
                           std::string* error) {
  const JsonField* field = object.find(name);
  if (field == nullptr) {
    *error = std::string("missing field \"") + name + "\"";
    return nullptr;
  }
  if (field->kind != kind) {
    *error = std::string("field \"") + name + "\": expected " + expected;
    return nullptr;
  }
  return field;
}

int lowercase_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Digits only: JSON's fraction and exponent forms are not integers here.
bool digits_value(const std::string& text, uint64_t max, uint64_t* value) {
  if (text.empty()) return false;
  uint64_t result = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (result > max / 10 || (result == max / 10 && digit > max % 10)) {
      return false;
    }
    result = result * 10 + digit;
  }
  *value = result;
  return true;
}

}  // namespace

bool unsigned_field(const JsonObject& object, const char* name, uint64_t max,
                    uint64_t* value, std::string* error) {
  const JsonField* field =
      find_kind(object, name, JsonKind::kNumber, "a number", error);
  if (field == nullptr) return false;
  if (!digits_value(field->value, max, value)) {
    *error = std::string("field \"") + name +
             "\": expected an unsigned integer up to " + std::to_string(max) +
             ", got " + field->value;
    return false;
  }
  return true;
}

bool signed_field(const JsonObject& object, const char* name, int64_t min,
                  int64_t max, int64_t* value, std::string* error) {
  const JsonField* field =
      find_kind(object, name, JsonKind::kNumber, "a number", error);
  if (field == nullptr) return false;
  const std::string& text = field->value;
  const bool negative = !text.empty() && text[0] == '-';
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? static_cast<uint64_t>(-(min + 1)) + 1
                                  : static_cast<uint64_t>(max);
  if (!digits_value(negative ? text.substr(1) : text, limit, &magnitude)) {
    *error = std::string("field \"") + name + "\": expected an integer from " +
             std::to_string(min) + " to " + std::to_string(max) + ", got " +
             text;
    return false;
  }
  // -(magnitude - 1) - 1: the magnitude of INT64_MIN is no int64_t.
  if (!negative) {
    *value = static_cast<int64_t>(magnitude);
  } else {
    *value = magnitude == 0 ? 0 : -static_cast<int64_t>(magnitude - 1) - 1;
  }
  return true;
}

bool string_field(const JsonObject& object, const char* name,
                  std::string* value, std::string* error) {
  const JsonField* field =
      find_kind(object, name, JsonKind::kString, "a string", error);
  if (field == nullptr) return false;
  *value = field->value;
  return true;
}

bool digest_field(const JsonObject& object, const char* name, uint64_t* value,
                  std::string* error) {
  const JsonField* field =
      find_kind(object, name, JsonKind::kString, "a string", error);
  if (field == nullptr) return false;
  uint64_t result = 0;
  bool valid = field->value.size() == 16;
  for (std::size_t i = 0; valid && i < 16; ++i) {
    const int digit = lowercase_hex_digit(field->value[i]);
    valid = digit >= 0;
    result = (result << 4) | static_cast<uint64_t>(digit < 0 ? 0 : digit);
  }
  if (!valid) {
    *error = std::string("field \"") + name +
             "\": expected 16 lowercase hex digits, got \"" + field->value +
             "\"";
    return false;
  }
  *value = result;
  return true;
}

bool hex_bytes_field(const JsonObject& object, const char* name,
                     std::vector<unsigned char>* bytes, std::string* error) {
  const JsonField* field =
      find_kind(object, name, JsonKind::kString, "a string", error);
  if (field == nullptr) return false;
  const std::string& text = field->value;
  if (text.size() % 2 != 0) {
    *error = std::string("field \"") + name + "\": odd number of hex digits";
    return false;
  }
  bytes->clear();
  bytes->reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = lowercase_hex_digit(text[i]);
    const int low = lowercase_hex_digit(text[i + 1]);
    if (high < 0 || low < 0) {
      *error = std::string("field \"") + name +
               "\": not a lowercase hex digit at offset " +
               std::to_string(high < 0 ? i : i + 1);
      return false;
    }
    bytes->push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return true;
}

std::string digest_text(uint64_t digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = kDigits[digest & 0xF];
    digest >>= 4;
  }
  return text;
}

}  // namespace tether::replay
