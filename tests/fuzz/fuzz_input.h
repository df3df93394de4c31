// How the API fuzzer reads its input: an 8-byte header, then operations
// of 16 bytes each. Fixed-size records keep libFuzzer's mutations (byte
// flips, inserted and erased chunks) meaningful: most mutations change one
// operation's arguments rather than shifting every later one. A short
// input reads as zeros past its end.
#ifndef TETHER_TESTS_FUZZ_FUZZ_INPUT_H
#define TETHER_TESTS_FUZZ_FUZZ_INPUT_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tether_fuzz {

struct Header {
  uint8_t lanes;
  uint8_t calls;
  uint16_t payload;
  uint8_t flags;  // config switches and how the sequence ends
  uint8_t unused[3];
};
static_assert(sizeof(Header) == 8);

struct Op {
  uint8_t code;  // the operation; the top bit runs it on the second thread
  uint8_t a;
  uint8_t b;
  uint8_t c;
  uint32_t d;
  uint64_t e;
};
static_assert(sizeof(Op) == 16);

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  Header header() const {
    Header header{};
    std::memcpy(&header, data_, std::min(size_, sizeof header));
    return header;
  }

  std::vector<Op> ops(size_t max) const {
    std::vector<Op> out;
    for (size_t at = sizeof(Header); at < size_ && out.size() < max;
         at += sizeof(Op)) {
      Op op{};
      std::memcpy(&op, data_ + at, std::min(size_ - at, sizeof op));
      out.push_back(op);
    }
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
};

}  // namespace tether_fuzz

#endif  // TETHER_TESTS_FUZZ_FUZZ_INPUT_H
