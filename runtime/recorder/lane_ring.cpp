#include "recorder/lane_ring.h"

#include <cstring>

#include "recorder/payload_digest.h"

namespace tether::recorder {
namespace {

// Word 7 holds what a reader must see together.
constexpr uint64_t last_word(Outcome outcome, tether_status status,
                             int32_t code) {
  return uint64_t{static_cast<uint32_t>(code)} |
         (uint64_t{static_cast<uint16_t>(status)} << 32) |
         (uint64_t{static_cast<uint8_t>(outcome)} << 48);
}

constexpr uint32_t saturate32(uint64_t value) {
  return value > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(value);
}

constexpr uint64_t pack(uint32_t low, uint32_t high) {
  return uint64_t{low} | (uint64_t{high} << 32);
}

constexpr uint64_t words_for(uint64_t bytes) { return (bytes + 7) / 8; }

}  // namespace

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kRunning:
      return "running";
    case Outcome::kDone:
      return "done";
    case Outcome::kPending:
      return "pending";
    case Outcome::kSkipped:
      return "skipped";
  }
  return "unknown";
}

LaneRing::LaneRing(uint32_t entries, uint64_t capture_bytes,
                   uint32_t capture_max_payload)
    : mask_(entries - 1),
      records_(new std::atomic<uint64_t>[std::size_t{entries} * kWords]()),
      capture_words_(capture_bytes / 8),
      capture_max_words_(words_for(capture_max_payload)),
      capture_max_payload_(capture_max_payload),
      capture_ring_(capture_words_ == 0
                        ? nullptr
                        : new std::atomic<uint64_t>[capture_words_]()),
      capture_at_(capture_words_ == 0 ? nullptr
                                      : new std::atomic<uint64_t>[entries]()) {}

uint64_t LaneRing::capture(const CallFacts& call) {
  const uint64_t words = words_for(call.payload_len);
  uint64_t start = capture_next_;
  if (start % capture_words_ + words > capture_words_) {
    start += capture_words_ - start % capture_words_;  // no wrap inside one
  }
  const uint64_t end = start + words;
  capture_head_.store(end, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  const auto* bytes = static_cast<const unsigned char*>(call.payload);
  std::size_t left = call.payload_len;
  for (uint64_t word = start; word < end; ++word) {
    uint64_t value = 0;
    const std::size_t piece = left < 8 ? left : 8;
    for (std::size_t i = 0; i < piece; ++i) {
      value |= uint64_t{bytes[i]} << (8 * i);
    }
    capture_ring_[word % capture_words_].store(value,
                                               std::memory_order_relaxed);
    bytes += piece;
    left -= piece;
  }
  capture_next_ = end;
  return start + 1;
}

void LaneRing::write_record(uint64_t seq, const CallFacts& call,
                            uint64_t last) {
  uint64_t captured = 0;
  if (capturing() && call.payload_len <= capture_max_payload_ &&
      call.payload_len != 0) {
    captured = capture(call);
  }
  const uint64_t digest = digest_payload(call.payload, call.payload_len);
  started_.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  std::atomic<uint64_t>* w = words_of(seq);
  constexpr auto relaxed = std::memory_order_relaxed;
  w[0].store(call.ticket, relaxed);
  w[1].store(call.key, relaxed);
  w[2].store(digest, relaxed);
  w[3].store(call.submit_ns, relaxed);
  w[4].store(pack(call.method, saturate32(call.payload_len)), relaxed);
  const uint64_t wait =
      call.start_ns > call.submit_ns ? call.start_ns - call.submit_ns : 0;
  w[5].store(pack(call.thread, saturate32(wait)), relaxed);
  w[6].store(0, relaxed);
  w[7].store(last, relaxed);
  if (capture_at_ != nullptr) capture_at_[seq & mask_].store(captured, relaxed);
  next_seq_ = seq + 1;
  head_.store(next_seq_, std::memory_order_release);
}

uint64_t LaneRing::begin(const CallFacts& call) {
  const uint64_t seq = next_seq_;
  write_record(seq, call, last_word(Outcome::kRunning, TETHER_OK, 0));
  return seq;
}

void LaneRing::skipped(const CallFacts& call, tether_status status) {
  write_record(next_seq_, call, last_word(Outcome::kSkipped, status, 0));
}

void LaneRing::set_outcome(uint64_t ticket, tether_status status,
                           int32_t code) {
  const uint64_t oldest = next_seq_ > entries() ? next_seq_ - entries() : 0;
  for (uint64_t seq = next_seq_; seq > oldest; --seq) {
    std::atomic<uint64_t>* w = words_of(seq - 1);
    if (w[0].load(std::memory_order_relaxed) == ticket) {
      w[7].store(last_word(Outcome::kDone, status, code),
                 std::memory_order_relaxed);
      return;
    }
  }
}

void LaneRing::finish_run(uint64_t seq, uint64_t run_ns) {
  if (next_seq_ - seq > entries()) return;  // overwritten meanwhile
  std::atomic<uint64_t>* w = words_of(seq);
  w[6].store(saturate32(run_ns), std::memory_order_relaxed);
  const uint64_t last = w[7].load(std::memory_order_relaxed);
  if (static_cast<Outcome>((last >> 48) & 0xFF) == Outcome::kRunning) {
    w[7].store(last_word(Outcome::kPending, TETHER_OK, 0),
               std::memory_order_relaxed);
  }
}

bool LaneRing::read(uint64_t seq, Record* out) const {
  const uint64_t head = head_.load(std::memory_order_acquire);
  if (seq >= head || head - seq > entries()) return false;
  const std::atomic<uint64_t>* w = words_of(seq);
  constexpr auto relaxed = std::memory_order_relaxed;
  uint64_t copy[kWords];
  for (int i = 0; i < kWords; ++i) copy[i] = w[i].load(relaxed);
  const uint64_t captured =
      capture_at_ != nullptr ? capture_at_[seq & mask_].load(relaxed) : 0;
  std::atomic_thread_fence(std::memory_order_acquire);
  if (seq + entries() < started_.load(relaxed)) return false;  // overwritten
  out->seq = seq;
  out->ticket = copy[0];
  out->key = copy[1];
  out->digest = copy[2];
  out->submit_ns = copy[3];
  out->method = static_cast<uint32_t>(copy[4]);
  out->payload_len = static_cast<uint32_t>(copy[4] >> 32);
  out->thread = static_cast<uint32_t>(copy[5]);
  out->wait_ns = static_cast<uint32_t>(copy[5] >> 32);
  out->run_ns = static_cast<uint32_t>(copy[6]);
  out->code = static_cast<int32_t>(static_cast<uint32_t>(copy[7]));
  out->status = static_cast<tether_status>(
      static_cast<int16_t>(static_cast<uint16_t>(copy[7] >> 32)));
  out->outcome = static_cast<Outcome>((copy[7] >> 48) & 0xFF);
  out->capture = captured;
  return true;
}

bool LaneRing::payload_held(const Record& record) const {
  if (record.capture == 0 || capture_words_ == 0) return false;
  return capture_head_.load(std::memory_order_acquire) <=
         record.capture - 1 + capture_words_;
}

}  // namespace tether::recorder
