#include "buffers/block_check.h"

#include <cstring>

#include "buffers/asan_poison.h"

namespace tether::buffers {
namespace {

// The first byte of [bytes, bytes + count) that is not `expected`, or count.
// Compares a word at a time: a quarantined block is read in full each time
// it leaves.
std::size_t first_mismatch(const unsigned char* bytes, std::size_t count,
                           unsigned char expected) {
  const uint64_t pattern = 0x0101010101010101ULL * expected;
  std::size_t i = 0;
  for (; i + sizeof pattern <= count; i += sizeof pattern) {
    uint64_t word;
    std::memcpy(&word, bytes + i, sizeof word);
    if (word != pattern) break;
  }
  for (; i < count; ++i) {
    if (bytes[i] != expected) return i;
  }
  return count;
}

Damage scan(Damage::Kind kind, unsigned char* bytes, std::size_t count,
            unsigned char expected, const unsigned char* data) {
  unpoison(bytes, count);
  std::size_t at = first_mismatch(bytes, count, expected);
  Damage damage;
  if (at != count) {
    damage = Damage{kind, (bytes + at) - data, bytes[at], expected};
  }
  poison(bytes, count);
  return damage;
}

}  // namespace

Damage check_guards(BlockHeader* header, std::size_t size, Mode mode) {
  if (header->magic != kHeaderMagic || header->size != size ||
      header->mode != mode) {
    return Damage{Damage::Kind::kHeader, -1, 0, 0};
  }
  if (mode != Mode::kDebug) return {};
  unsigned char* data = data_of(header);
  if (Damage front = scan(Damage::Kind::kUnderwrite, front_guard_of(header),
                          kFrontGuardBytes, kGuardByte, data)) {
    return front;
  }
  return scan(Damage::Kind::kOverwrite, back_guard_of(header),
              back_guard_bytes(Mode::kDebug, size), kGuardByte, data);
}

Damage check_freed_fill(BlockHeader* header) {
  unsigned char* data = data_of(header);
  return scan(Damage::Kind::kWriteAfterFree, data, header->size, kFreedByte,
              data);
}

void refill_freed(BlockHeader* header) {
  unsigned char* data = data_of(header);
  unpoison(data, header->size);
  std::memset(data, kFreedByte, header->size);
  poison(data, header->size);
}

const char* damage_name(Damage::Kind kind) {
  switch (kind) {
    case Damage::Kind::kHeader:
      return "header overwritten (a write before the start)";
    case Damage::Kind::kUnderwrite:
      return "guard before the start overwritten";
    case Damage::Kind::kOverwrite:
      return "guard after the end overwritten";
    case Damage::Kind::kWriteAfterFree:
      return "write after free";
    case Damage::Kind::kNone:
      break;
  }
  return "no damage";
}

}  // namespace tether::buffers
