// One lane's part of the boundary recorder: a ring of the last calls the
// lane took, and (with capture on) a ring of their payload bytes.
//
// Single writer, the lane; any number of readers (a dump on a host thread,
// the crash handler on any lane), which take no lock and never make the
// lane wait. A record is eight atomic words, stored relaxed, so a reader
// racing the lane reads values, never undefined behaviour. The protocol is
// a seqlock over two counters: the lane stores started = seq + 1 and fences
// (release) before it writes record seq, and publishes head = seq + 1
// after it; a reader copies a record below head, fences (acquire) and reads
// started, and keeps the copy only if the lane had not started overwriting
// it (seq + entries >= started).
// On x86-64 both fences cost nothing at run time.
//
// A record is written when the lane takes the call (outcome "running"),
// and its last word again when the outcome is known or the handler returns
// without one ("pending"): outcome, status and library code share that
// word, so a reader never sees one without the others.
//
// Payload bytes go to a ring of words; each captured payload is contiguous
// (a payload that would wrap starts again at the ring's start), and its
// record keeps the logical position where it starts. Here the lane
// publishes the end of the region it is about to write before it writes
// (then fences, release), so a reader that copied bytes, fenced (acquire)
// and finds the head at most one ring past the payload's start knows that
// nothing overwrote them.
#ifndef TETHER_RUNTIME_RECORDER_LANE_RING_H_
#define TETHER_RUNTIME_RECORDER_LANE_RING_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "tether/status.h"
#include "tether/types.h"

namespace tether::recorder {

enum class Outcome : uint8_t {
  kRunning = 0,  // in the handler
  kDone = 1,     // status (and code) known
  kPending = 2,  // the handler returned without an outcome
  kSkipped = 3,  // claimed (cancel, deadline, shutdown) before it ran
};

const char* outcome_name(Outcome outcome);

// What a lane knows of a call as it takes it.
struct CallFacts {
  uint64_t ticket = 0;
  uint64_t key = 0;
  uint32_t method = 0;
  uint32_t thread = 0;  // the submitter's OS thread id
  const void* payload = nullptr;
  std::size_t payload_len = 0;
  uint64_t submit_ns = 0;
  uint64_t start_ns = 0;  // when the lane took it
};

// A record as read back.
struct Record {
  uint64_t seq = 0;
  uint64_t ticket = 0;
  uint64_t key = 0;
  uint64_t digest = 0;
  uint64_t submit_ns = 0;
  uint32_t method = 0;
  uint32_t payload_len = 0;
  uint32_t thread = 0;
  uint32_t wait_ns = 0;
  uint32_t run_ns = 0;
  int32_t code = 0;
  tether_status status = 0;
  Outcome outcome = Outcome::kRunning;
  // Logical word position + 1 of the captured payload, 0 for none.
  uint64_t capture = 0;
};

class LaneRing {
 public:
  static constexpr uint32_t kMaxEntries = 65536;
  static constexpr uint64_t kMaxCaptureBytes = uint64_t{1} << 30;

  // entries: a power of two in 1..kMaxEntries; capture_bytes: 0 (none) or
  // at least capture_max_payload. Allocates everything (throws bad_alloc).
  LaneRing(uint32_t entries, uint64_t capture_bytes,
           uint32_t capture_max_payload);
  LaneRing(const LaneRing&) = delete;
  LaneRing& operator=(const LaneRing&) = delete;

  uint32_t entries() const { return mask_ + 1; }
  bool capturing() const { return capture_words_ != 0; }

  // --- the lane -----------------------------------------------------------
  // Records a call the lane took (outcome running); returns its seq.
  uint64_t begin(const CallFacts& call);
  // Records a call already claimed when the lane took it.
  void skipped(const CallFacts& call, tether_status status);
  // The outcome of the call `ticket`, if its record is still in the ring
  // (the latest record is looked at first: a reply inside the handler).
  void set_outcome(uint64_t ticket, tether_status status, int32_t code);
  // The handler of record `seq` returned after run_ns.
  void finish_run(uint64_t seq, uint64_t run_ns);

  // --- any thread ---------------------------------------------------------
  // The next seq the lane will write; records [head - entries, head) may
  // be held.
  uint64_t head() const { return head_.load(std::memory_order_acquire); }
  // Copies record `seq`; false when it is not (or no longer) in the ring.
  bool read(uint64_t seq, Record* out) const;
  // Calls emit(bytes, count) with the record's captured payload, in pieces
  // of at most 8 bytes, then returns whether the bytes were intact
  // throughout (false: overwritten meanwhile, or none).
  template <class Emit>
  bool read_payload(const Record& record, Emit&& emit) const;
  bool payload_held(const Record& record) const;

 private:
  static constexpr int kWords = 8;
  std::atomic<uint64_t>* words_of(uint64_t seq) const {
    return &records_[(seq & mask_) * kWords];
  }
  void write_record(uint64_t seq, const CallFacts& call, uint64_t last_word);
  uint64_t capture(const CallFacts& call);

  const uint32_t mask_;
  const std::unique_ptr<std::atomic<uint64_t>[]> records_;
  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> started_{0};
  uint64_t next_seq_ = 0;  // the lane's own copy of head_

  const uint64_t capture_words_;      // 0: no capture
  const uint64_t capture_max_words_;  // words of the largest payload kept
  const uint32_t capture_max_payload_;
  const std::unique_ptr<std::atomic<uint64_t>[]> capture_ring_;
  // Per record: logical word position + 1 of its payload, 0 for none.
  const std::unique_ptr<std::atomic<uint64_t>[]> capture_at_;
  std::atomic<uint64_t> capture_head_{0};  // logical words written
  uint64_t capture_next_ = 0;              // the lane's own copy
};

template <class Emit>
bool LaneRing::read_payload(const Record& record, Emit&& emit) const {
  if (!payload_held(record)) return false;
  const uint64_t start = record.capture - 1;
  std::size_t left = record.payload_len;
  for (uint64_t word = start; left > 0; ++word) {
    uint64_t value =
        capture_ring_[word % capture_words_].load(std::memory_order_relaxed);
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) {
      bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    }
    const std::size_t piece = left < 8 ? left : 8;
    emit(bytes, piece);
    left -= piece;
  }
  std::atomic_thread_fence(std::memory_order_acquire);
  return payload_held(record);
}

}  // namespace tether::recorder

#endif  // TETHER_RUNTIME_RECORDER_LANE_RING_H_
