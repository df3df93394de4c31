// wire.hpp — reading and writing kvstore payloads (the format is in
// kvstore.h). The reader never reads past the payload: each field checks the
// bytes left first and records why it failed.
#ifndef KVSTORE_WIRE_HPP
#define KVSTORE_WIRE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvstore {

// Reads fields in order from a borrowed payload. After the first failure
// every later read fails too, so a caller may chain reads and check once.
// Not thread-safe.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  WireReader(const WireReader&) = delete;
  WireReader& operator=(const WireReader&) = delete;

  std::optional<uint32_t> u32(std::string_view field);
  std::optional<uint64_t> u64(std::string_view field);
  // A u32 byte count, then that many bytes. The view borrows the payload.
  std::optional<std::string_view> string(std::string_view field);
  // True when the payload was consumed exactly and no read failed.
  bool finish();

  // Why the first failing read failed; empty while none has.
  const std::string& error() const { return error_; }

 private:
  bool take(std::string_view field, size_t count, std::string_view* out);

  std::string_view bytes_;
  size_t offset_ = 0;
  std::string error_;
};

void append_u32(std::string& out, uint32_t value);
void append_u64(std::string& out, uint64_t value);

// The tether key a kv key must be submitted with (see kvstore.h).
uint64_t affinity_key(std::string_view key);

// `bytes` quoted for a log line or error message: at most 64 bytes, with
// anything unprintable escaped as \xNN.
std::string quoted(std::string_view bytes);

}  // namespace kvstore

#endif  // KVSTORE_WIRE_HPP
