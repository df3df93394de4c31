// The byte-level half of the wire format (lua_protocol.h): little-endian
// integers and counted names, read from a payload and written to a reply.
// Not thread-safe: one reader or writer per call.
#ifndef TETHER_EXAMPLES_LUA_WIRE_HPP
#define TETHER_EXAMPLES_LUA_WIRE_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace tether_lua {

// Reads a payload front to back. Every read fails (returns false, and the
// reader stays failed) rather than run past the end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  bool u8(uint8_t* out);
  bool u32(uint32_t* out);
  bool u64(uint64_t* out);
  bool bytes(std::size_t count, std::string_view* out);
  // A u32 count and that many bytes.
  bool name(std::string_view* out);
  // What is left, consuming it.
  std::string_view take_rest();
  bool at_end() const { return rest_.empty(); }
  std::size_t remaining() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

// Appends to a byte string.
class Writer {
 public:
  void u8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u32(uint32_t value);
  void u64(uint64_t value);
  void bytes(std::string_view bytes) { out_.append(bytes); }
  // Overwrites the u32 at `offset` (a count known only at the end).
  void patch_u32(std::size_t offset, uint32_t value);
  std::size_t size() const { return out_.size(); }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

}  // namespace tether_lua

#endif  // TETHER_EXAMPLES_LUA_WIRE_HPP
