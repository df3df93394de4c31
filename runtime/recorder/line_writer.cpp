#include "recorder/line_writer.h"

#include <unistd.h>

#include <cerrno>

namespace tether::recorder {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

LineWriter& LineWriter::text(const char* text) {
  while (*text != '\0') put(*text++);
  return *this;
}

LineWriter& LineWriter::bytes(const char* data, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) put(data[i]);
  return *this;
}

LineWriter& LineWriter::number(uint64_t value) {
  char digits[20];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) put(digits[--count]);
  return *this;
}

LineWriter& LineWriter::signed_number(int64_t value) {
  if (value >= 0) return number(static_cast<uint64_t>(value));
  put('-');
  return number(~static_cast<uint64_t>(value) + 1);
}

LineWriter& LineWriter::hex64(uint64_t value) {
  for (int shift = 60; shift >= 0; shift -= 4) {
    put(kHexDigits[(value >> shift) & 0xF]);
  }
  return *this;
}

LineWriter& LineWriter::hex_bytes(const unsigned char* data,
                                  std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    put(kHexDigits[data[i] >> 4]);
    put(kHexDigits[data[i] & 0xF]);
  }
  return *this;
}

LineWriter& LineWriter::json_string(const char* text) {
  put('"');
  for (; *text != '\0'; ++text) {
    const auto c = static_cast<unsigned char>(*text);
    if (c == '"' || c == '\\') {
      put('\\');
      put(static_cast<char>(c));
    } else if (c < 0x20) {
      this->text("\\u00");
      put(kHexDigits[c >> 4]);
      put(kHexDigits[c & 0xF]);
    } else {
      put(static_cast<char>(c));
    }
  }
  put('"');
  return *this;
}

bool LineWriter::flush() {
  const char* at = buffer_;
  std::size_t left = used_;
  used_ = 0;
  if (error_ != 0) return false;
  while (left > 0) {
    ssize_t written = ::write(fd_, at, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      error_ = written < 0 ? errno : EIO;
      return false;
    }
    at += written;
    left -= static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace tether::recorder
