// The 64-bit digest a record keeps of its call's payload (the algorithm is
// part of the recording format, docs/recorder.md, so a reader can check a
// captured payload against it).
//
// A lane digests every payload it takes, so this is on the call path: one
// multiply on the dependency chain per 8 bytes (64 bytes in about 40
// cycles), not a byte-at-a-time hash. It is not cryptographic: it tells a
// replayed or captured payload from another, not from a forgery.
#ifndef TETHER_RUNTIME_RECORDER_PAYLOAD_DIGEST_H_
#define TETHER_RUNTIME_RECORDER_PAYLOAD_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tether::recorder {

inline uint64_t digest_payload(const void* data, std::size_t length) {
  constexpr uint64_t kWordMultiplier = 0x87C37B91114253D5ULL;
  constexpr uint64_t kRoundMultiplier = 0x4CF5AD432745937FULL;
  const auto* bytes = static_cast<const unsigned char*>(data);
  uint64_t h =
      0x9E3779B97F4A7C15ULL ^ (uint64_t{length} * 0xC2B2AE3D27D4EB4FULL);
  auto mix = [&](uint64_t word) {
    h ^= word * kWordMultiplier;
    h = ((h << 31) | (h >> 33)) * kRoundMultiplier;
  };
  std::size_t at = 0;
  for (; at + 8 <= length; at += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + at, 8);  // little-endian on every target
    mix(word);
  }
  if (at < length) {
    uint64_t word = 0;
    std::memcpy(&word, bytes + at, length - at);
    mix(word);
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return h;
}

}  // namespace tether::recorder

#endif  // TETHER_RUNTIME_RECORDER_PAYLOAD_DIGEST_H_
