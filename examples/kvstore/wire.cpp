#include "wire.hpp"

#include <cstdio>

#include "kvstore.h"

namespace kvstore {

bool WireReader::take(std::string_view field, size_t count,
                      std::string_view* out) {
  if (!error_.empty()) return false;
  size_t left = bytes_.size() - offset_;
  if (count > left) {
    error_ = std::string(field) + " needs " + std::to_string(count) +
             " bytes at offset " + std::to_string(offset_) + ", but only " +
             std::to_string(left) + " are left in a payload of " +
             std::to_string(bytes_.size());
    return false;
  }
  *out = bytes_.substr(offset_, count);
  offset_ += count;
  return true;
}

std::optional<uint32_t> WireReader::u32(std::string_view field) {
  std::string_view raw;
  if (!take(field, 4, &raw)) return std::nullopt;
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    value |= uint32_t{static_cast<uint8_t>(raw[i])} << (8 * i);
  }
  return value;
}

std::optional<uint64_t> WireReader::u64(std::string_view field) {
  std::string_view raw;
  if (!take(field, 8, &raw)) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value |= uint64_t{static_cast<uint8_t>(raw[i])} << (8 * i);
  }
  return value;
}

std::optional<std::string_view> WireReader::string(std::string_view field) {
  std::optional<uint32_t> length = u32(std::string(field) + " length");
  std::string_view bytes;
  if (!length || !take(field, *length, &bytes)) return std::nullopt;
  return bytes;
}

bool WireReader::finish() {
  if (!error_.empty()) return false;
  if (offset_ != bytes_.size()) {
    error_ = std::to_string(bytes_.size() - offset_) +
             " unexpected bytes after the last field, at offset " +
             std::to_string(offset_);
    return false;
  }
  return true;
}

void append_u32(std::string& out, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

void append_u64(std::string& out, uint64_t value) {
  for (size_t i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t affinity_key(std::string_view key) {
  uint64_t hash = KVSTORE_FNV_OFFSET_BASIS;
  for (char c : key) {
    hash ^= static_cast<uint8_t>(c);
    hash *= KVSTORE_FNV_PRIME;
  }
  return hash & KVSTORE_AFFINITY_MASK;
}

std::string quoted(std::string_view bytes) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  out += bytes.size() > kMaxShown ? "\"..." : "\"";
  return out;
}

}  // namespace kvstore
