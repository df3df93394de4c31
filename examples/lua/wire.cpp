#include "wire.hpp"

namespace tether_lua {

namespace {

template <class T>
bool read_le(std::string_view* rest, T* out) {
  if (rest->size() < sizeof(T)) {
    *rest = {};
    return false;
  }
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<uint8_t>((*rest)[i])) << (8 * i);
  }
  rest->remove_prefix(sizeof(T));
  *out = value;
  return true;
}

template <class T>
void write_le(std::string* out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
}

}  // namespace

bool Reader::u8(uint8_t* out) { return read_le(&rest_, out); }
bool Reader::u32(uint32_t* out) { return read_le(&rest_, out); }
bool Reader::u64(uint64_t* out) { return read_le(&rest_, out); }

bool Reader::bytes(std::size_t count, std::string_view* out) {
  if (rest_.size() < count) {
    rest_ = {};
    return false;
  }
  *out = rest_.substr(0, count);
  rest_.remove_prefix(count);
  return true;
}

bool Reader::name(std::string_view* out) {
  uint32_t count = 0;
  return u32(&count) && bytes(count, out);
}

std::string_view Reader::take_rest() {
  std::string_view rest = rest_;
  rest_ = {};
  return rest;
}

void Writer::u32(uint32_t value) { write_le(&out_, value); }
void Writer::u64(uint64_t value) { write_le(&out_, value); }

void Writer::patch_u32(std::size_t offset, uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) {
    out_[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

}  // namespace tether_lua
