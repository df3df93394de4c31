// libFuzzer harness over sequences of public API calls.
//
// An input is an 8-byte header (the runtime's config and how the sequence
// ends) followed by 16-byte operations. Each operation's first byte picks
// the operation and the thread that runs it: the main thread, or a second
// thread running its share concurrently, so submits, cancels, polls and a
// shutdown from two threads meet. Arguments deliberately include forged and
// stale values: tickets nobody issued, freed and foreign buffers, handles
// already released, malformed calls and configs.
//
// What each sequence must show (checked here; a broken one aborts, which
// libFuzzer reports with the input):
//   - every status is one the header documents for that situation, and the
//     predictable ones are exact (a malformed call is INVALID_ARG, a double
//     free DOUBLE_FREE, a call after shutdown CLOSED, ...);
//   - every accepted call completes exactly once, with a status call.h
//     allows for what its method did, and an echoed payload comes back
//     intact; no call that was refused ever completes;
//   - no callback runs after a shutdown has returned, and no completion of
//     an earlier sequence's call arrives in a later one;
//   - after shutdown and draining, nothing is in flight, the leak report is
//     empty, and live buffers and handles are back to their counts from
//     before the sequence.
//
// How a sequence ends: with the runtime shut down (DRAIN or CANCEL, header
// flags 0x10 and 0x20) when it shut the runtime down itself, when header
// flag 0x40 asks for it, or when what it leaves cannot be carried over
// (see runtime_cache.h). Otherwise the runtime stays open for the next
// sequence with the same config, and the end checks instead that once the
// calls never replied to are cancelled, every call completes (a queue shut
// down then says CLOSED), every ticket but theirs goes stale, and nothing
// is in flight; the leak report and the counts are checked as above.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "fuzz_input.h"
#include "fuzz_library.h"
#include "helper_thread.h"
#include "runtime_cache.h"
#include "tether/tether.h"

namespace {

using tether_fuzz::Method;

[[noreturn]] void Fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::fputs("api_fuzzer: invariant broken: ", stderr);
  std::vfprintf(stderr, format, args);
  std::fputc('\n', stderr);
  va_end(args);
  std::abort();
}

const char* Name(tether_status status) { return tether_status_str(status); }

void Expect(tether_status got, tether_status want, const char* what) {
  if (got != want) Fail("%s: got %s, want %s", what, Name(got), Name(want));
}

// --- calls and their completions ------------------------------------------

constexpr size_t kMaxOps = 512;
constexpr size_t kMaxBatch = 8;
constexpr size_t kMaxRecords = kMaxOps * kMaxBatch;
constexpr uint32_t kViaCallback = UINT32_MAX;

// One submitted call, accepted or not.
struct Record {
  std::atomic<uint32_t> completions{0};
  std::atomic<uint64_t> ticket{0};
  std::atomic<bool> accepted{false};
  // Its completion queue was destroyed before the completion was taken:
  // tether frees it unseen.
  std::atomic<bool> unobservable{false};
  // Complete() has finished with its completion (freed what it owned): a
  // callback still running when its call counts as done must not be taken
  // for a leak.
  std::atomic<bool> handled{false};
  uint32_t method = 0;
  uint32_t payload_len = 0;
  uint8_t seed = 0;
  bool moved = false;  // its payload was a tether buffer moved to tether
  uint32_t via = kViaCallback;  // or the id of the queue it completes into
};

std::array<Record, kMaxRecords> g_records;
std::atomic<size_t> g_record_count{0};
// A shutdown was called / has returned. Expectations read `returned`
// before a call (it was shut down all along: CLOSED is the only answer) and
// `started` after it (a shutdown under way may explain a CLOSED).
std::atomic<bool> g_shutdown_started{false};
std::atomic<bool> g_shutdown_returned{false};

bool ShutDownBefore() {
  return g_shutdown_returned.load(std::memory_order_acquire);
}
bool ShutdownStarted() {
  return g_shutdown_started.load(std::memory_order_acquire);
}

// Handles the library made and the host received, with the references the
// host holds. Only the main thread retains and releases them.
struct HandleRef {
  uint64_t value;
  uint32_t refs;
};
std::mutex g_handles_mutex;
std::vector<HandleRef> g_handles;

uint8_t PatternByte(uint8_t seed, size_t i) {
  return static_cast<uint8_t>(seed + i * 31);
}

void FillPattern(void* data, size_t len, uint8_t seed) {
  auto* bytes = static_cast<uint8_t*>(data);
  for (size_t i = 0; i < len; ++i) bytes[i] = PatternByte(seed, i);
}

bool HasPattern(const void* data, size_t len, uint8_t seed) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < len; ++i) {
    if (bytes[i] != PatternByte(seed, i)) return false;
  }
  return true;
}

Record* NewRecord(const tether_call& call, uint8_t seed, uint32_t via) {
  size_t index = g_record_count.fetch_add(1, std::memory_order_relaxed);
  if (index >= kMaxRecords) Fail("more than %zu records", kMaxRecords);
  Record& record = g_records[index];
  record.method = call.method;
  record.payload_len = static_cast<uint32_t>(call.payload_len);
  record.moved = (call.flags & TETHER_CALL_MOVE_PAYLOAD) != 0;
  record.seed = seed;
  record.via = via;
  return &record;
}

// Runtimes outlive a sequence (see runtime_cache.h), so a call's user data
// names the sequence as well as the record: a completion of an earlier
// sequence's call arriving now is caught, not taken for one of this one.
std::atomic<uint32_t> g_sequence{0};

uint64_t IndexOf(const Record* record) {
  return (uint64_t{g_sequence.load(std::memory_order_relaxed)} << 32) |
         static_cast<uint64_t>(record - g_records.data());
}

// Whether call.h allows `status` for a call of `method`.
void CheckOutcome(const Record& record, const tether_completion& c) {
  const tether_status s = c.status;
  const bool ended_by_host =
      s == TETHER_E_CANCELLED || s == TETHER_E_DEADLINE || s == TETHER_E_CLOSED;
  if (!ended_by_host) {
    switch (record.method) {
      case tether_fuzz::kNoop:
      case tether_fuzz::kSleep:
        Expect(s, TETHER_OK, "a method that replies");
        if (c.result_len != 0) Fail("noop returned %zu bytes", c.result_len);
        break;
      case tether_fuzz::kEcho:
      case tether_fuzz::kReplyTwice:  // its first reply is the payload
      case tether_fuzz::kTimerReply:
        Expect(s, TETHER_OK, "an echoing method");
        if (c.result_len != record.payload_len ||
            (c.result_len != 0 &&
             !HasPattern(c.result, c.result_len, record.seed))) {
          Fail("method %u echoed %zu bytes, not the %u sent", record.method,
               c.result_len, record.payload_len);
        }
        break;
      case tether_fuzz::kFail:
        Expect(s, TETHER_E_LIBRARY, "kFail");
        if (c.library_code != tether_fuzz::kFailCode)
          Fail("kFail's code %d", c.library_code);
        break;
      case tether_fuzz::kThrow:
        Expect(s, TETHER_E_LIBRARY, "kThrow");
        break;
      case tether_fuzz::kNeverReply:
        Fail("a call never replied to completed with %s", Name(s));
      case tether_fuzz::kMakeHandle:
        Expect(s, TETHER_OK, "kMakeHandle");
        if (c.result_len != sizeof(uint64_t))
          Fail("a handle result of %zu bytes", c.result_len);
        break;
      case tether_fuzz::kPostReply:
        Expect(s, TETHER_OK, "kPostReply");
        break;
      default:
        Expect(s, TETHER_E_LIBRARY, "an unknown method");
        if (c.library_code != 404)
          Fail("unknown method code %d", c.library_code);
        break;
    }
  }
  if (s == TETHER_OK && c.library_code != 0)
    Fail("OK with library code %d", c.library_code);
  if (s != TETHER_OK && c.result != nullptr)
    Fail("%s carried a result", Name(s));
  if (c.result == nullptr && c.result_len != 0)
    Fail("NULL result of %zu bytes", c.result_len);
  if (c.error != nullptr && std::strlen(c.error) != c.error_len)
    Fail("error_len %zu for a message of %zu", c.error_len,
         std::strlen(c.error));
}

// Takes one completion: exactly once, allowed, then frees what it owns.
void Complete(const tether_completion& c, uint32_t via) {
  if ((c.user_data >> 32) != g_sequence.load(std::memory_order_relaxed))
    Fail("a completion of sequence %llu arrived in sequence %u",
         static_cast<unsigned long long>(c.user_data >> 32),
         g_sequence.load(std::memory_order_relaxed));
  const uint64_t index = c.user_data & UINT32_MAX;
  if (index >= g_record_count.load(std::memory_order_acquire))
    Fail("completion for record %llu never submitted",
         static_cast<unsigned long long>(index));
  Record& record = g_records[index];
  if (record.via != via) Fail("completion arrived by the wrong path");
  if (record.completions.fetch_add(1, std::memory_order_acq_rel) != 0)
    Fail("call %llu completed twice", static_cast<unsigned long long>(index));
  CheckOutcome(record, c);
  if (record.method == tether_fuzz::kMakeHandle && c.status == TETHER_OK) {
    uint64_t value;
    std::memcpy(&value, c.result, sizeof value);
    std::lock_guard<std::mutex> lock(g_handles_mutex);
    g_handles.push_back({value, 1});
  }
  if (c.result != nullptr)
    Expect(tether_buf_free(c.result), TETHER_OK, "free result");
  if (c.error != nullptr)
    Expect(tether_buf_free(c.error), TETHER_OK, "free error");
  record.handled.store(true, std::memory_order_release);
}

void OnCompletion(tether_completion* completion) {
  if (g_shutdown_returned.load(std::memory_order_acquire))
    Fail("a callback ran after shutdown returned");
  Complete(*completion, kViaCallback);
}

// --- per-thread state -----------------------------------------------------

struct Queue {
  tether_cq* cq;
  uint32_t id;
  bool shut_down;
};

struct ThreadState {
  std::vector<Queue> queues;
  std::vector<tether_stream*> streams;
  std::vector<void*> buffers;  // live tether buffers this thread owns
  // The last few it freed, with the op that freed them, for double frees:
  // only recent ones, which the debug quarantine still holds (an address
  // reused by a new buffer would be that buffer's, not a double free).
  struct Freed {
    void* data;
    size_t op;
  };
  std::vector<Freed> freed;
  size_t op_index = 0;
  bool main = false;
};

std::atomic<uint32_t> g_next_queue_id{0};

struct Sequence {
  tether_runtime* runtime = nullptr;
  uint64_t max_payload = 0;
};

// --- operations -----------------------------------------------------------

enum OpCode : uint8_t {
  kOpSubmit,
  kOpSubmitCq,
  kOpBatch,
  kOpStreamOpen,
  kOpStreamSubmit,
  kOpStreamDestroy,
  kOpCancel,
  kOpCqOpen,
  kOpCqPoll,
  kOpCqTake,
  kOpCqShutdown,
  kOpCqDestroy,
  kOpBufAlloc,
  kOpBufFree,
  kOpBufMisuse,
  kOpHandle,
  kOpStats,
  kOpShutdown,
  kOpNullArgs,
  kOpYield,
  kOpCount,
};

void ProcessTaken(const Queue& queue, const unsigned char* out,
                  size_t elem_size, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    tether_completion c;
    std::memset(&c, 0, sizeof c);
    std::memcpy(&c, out + i * elem_size,
                std::min(elem_size, sizeof(tether_completion)));
    Complete(c, queue.id);
  }
}

// Builds a call from an operation; `malformed` says how to break it.
struct BuiltCall {
  tether_call call;
  void* moved = nullptr;  // a tether buffer, ours until accepted
  std::vector<uint8_t> copied;
  enum { kGood, kInvalid, kVersion, kTooLarge } expect = kGood;
};

// `whole_struct`: a batch's calls share one stride, so they keep the full
// struct_size (no too-small or too-new struct).
void BuildCall(const Sequence& seq, const tether_fuzz::Op& op, size_t i,
               bool whole_struct, BuiltCall* out) {
  tether_call_init(&out->call);
  tether_call& call = out->call;
  call.method =
      static_cast<uint32_t>((op.a + i) % (tether_fuzz::kMethodCount + 1));
  if (call.method == tether_fuzz::kMethodCount) call.method = 999;
  call.key = (op.b & 0x80) != 0 ? TETHER_KEY_ANY : ((op.b + i) & 7);
  const uint64_t span = seq.max_payload + 32;
  size_t len = static_cast<size_t>((op.d + i * 17) % span);
  if (call.method == tether_fuzz::kSleep ||
      call.method == tether_fuzz::kTimerReply)
    len %= 1024;  // microseconds: keep sequences short
  const uint8_t seed = static_cast<uint8_t>(op.e + i);
  if ((op.c & 0x40) != 0) call.timeout_ns = (op.e % 3000 + 1) * 1000;
  if (len > seq.max_payload) out->expect = BuiltCall::kTooLarge;
  if ((op.c & 0x20) != 0) {
    out->moved = tether_buf_alloc(len);
    if (out->moved == nullptr) Fail("tether_buf_alloc(%zu) failed", len);
    FillPattern(out->moved, len, seed);
    call.payload = out->moved;
    call.flags = TETHER_CALL_MOVE_PAYLOAD;
  } else {
    out->copied.resize(len);
    FillPattern(out->copied.data(), len, seed);
    call.payload = len == 0 ? nullptr : out->copied.data();
  }
  call.payload_len = len;
  uint8_t fault = op.c & 0x1f;
  if (whole_struct && (fault == 30 || fault == 29)) fault = 0;
  switch (fault) {
    case 31:
      if (len + 1 > seq.max_payload) break;  // which refusal wins is unsaid
      call.payload = nullptr;
      call.payload_len = len + 1;
      call.flags = 0;  // a NULL payload with a length
      out->expect = BuiltCall::kInvalid;
      break;
    case 30:
      call.struct_size = sizeof(size_t) + 4;
      out->expect = BuiltCall::kInvalid;
      break;
    case 29:
      call.struct_size = sizeof(tether_call) + 8;
      out->expect = BuiltCall::kVersion;
      break;
    case 28:
      if (out->moved == nullptr && out->expect == BuiltCall::kGood) {
        // A moved payload that is not a tether buffer.
        call.flags = TETHER_CALL_MOVE_PAYLOAD;
        call.payload = out->copied.data();
        if (len != 0) out->expect = BuiltCall::kInvalid;
      }
      break;
    default:
      break;
  }
}

// Checks a single submit's status against what was built; on acceptance
// the record is live and a moved payload is tether's.
void Settle(BuiltCall& built, Record* record, tether_status status,
            uint64_t ticket, bool shut_down_before) {
  switch (built.expect) {
    case BuiltCall::kInvalid:
      Expect(status, TETHER_E_INVALID_ARG, "a malformed call");
      break;
    case BuiltCall::kVersion:
      Expect(status, TETHER_E_VERSION, "a call from a newer tether");
      break;
    case BuiltCall::kTooLarge:
      Expect(status, TETHER_E_TOO_LARGE, "an oversize payload");
      break;
    case BuiltCall::kGood:
      if (shut_down_before) {
        Expect(status, TETHER_E_CLOSED, "a submit after shutdown");
      } else if (status == TETHER_E_CLOSED) {
        if (!ShutdownStarted()) Fail("CLOSED with no shutdown called");
      } else if (status != TETHER_OK && status != TETHER_E_BUSY) {
        Fail("a good call got %s", Name(status));
      }
      break;
  }
  if (status == TETHER_OK) {
    if (ticket == 0) Fail("an accepted call got ticket 0");
    record->ticket.store(ticket, std::memory_order_relaxed);
    record->accepted.store(true, std::memory_order_release);
    built.moved = nullptr;
  } else if (built.moved != nullptr) {
    Expect(tether_buf_free(built.moved), TETHER_OK, "free a refused payload");
    built.moved = nullptr;
  }
}

Queue* PickQueue(ThreadState& ts, uint64_t pick) {
  if (ts.queues.empty()) return nullptr;
  return &ts.queues[pick % ts.queues.size()];
}

void SubmitOne(Sequence& seq, ThreadState& ts, const tether_fuzz::Op& op,
               bool to_queue, tether_stream* stream) {
  Queue* queue = to_queue ? PickQueue(ts, op.b) : nullptr;
  if (to_queue && queue == nullptr) return;
  BuiltCall built;
  BuildCall(seq, op, 0, false, &built);
  // A handle nobody takes from a destroyed queue would leak with it.
  if (queue != nullptr && built.call.method == tether_fuzz::kMakeHandle)
    built.call.method = tether_fuzz::kNoop;
  Record* record = NewRecord(built.call, static_cast<uint8_t>(op.e),
                             queue != nullptr ? queue->id : kViaCallback);
  uint64_t ticket = 0;
  const bool shut_down_before = ShutDownBefore();
  tether_status status;
  if (stream != nullptr) {
    status = queue != nullptr
                 ? tether_stream_submit_cq(stream, &built.call, queue->cq,
                                           IndexOf(record), &ticket)
                 : tether_stream_submit(stream, &built.call, &OnCompletion,
                                        IndexOf(record), &ticket);
  } else {
    status = queue != nullptr
                 ? tether_submit_cq(seq.runtime, &built.call, queue->cq,
                                    IndexOf(record), &ticket)
                 : tether_submit(seq.runtime, &built.call, &OnCompletion,
                                 IndexOf(record), &ticket);
  }
  if (queue != nullptr && queue->shut_down &&
      built.expect == BuiltCall::kGood) {
    Expect(status, TETHER_E_CLOSED, "a submit to a shut-down queue");
    if (built.moved != nullptr) tether_buf_free(built.moved);
    return;
  }
  Settle(built, record, status, ticket, shut_down_before);
}

void SubmitBatch(Sequence& seq, ThreadState& ts, const tether_fuzz::Op& op) {
  const bool to_queue = (op.b & 0x40) != 0;
  Queue* queue = to_queue ? PickQueue(ts, op.b) : nullptr;
  if (to_queue && queue == nullptr) return;
  const size_t count = 1 + op.a % kMaxBatch;
  std::vector<BuiltCall> built(count);
  std::vector<tether_call> calls(count);
  std::vector<uint64_t> data(count);
  std::vector<uint64_t> tickets(count, 0);
  std::vector<Record*> records(count);
  bool malformed = false;
  for (size_t i = 0; i < count; ++i) {
    tether_fuzz::Op each = op;
    // Only the last call of a batch may be broken, so "checked before any
    // is accepted" is what decides.
    if (i + 1 < count) each.c &= 0xe0;
    BuildCall(seq, each, i, true, &built[i]);
    if (queue != nullptr && built[i].call.method == tether_fuzz::kMakeHandle)
      built[i].call.method = tether_fuzz::kNoop;
    calls[i] = built[i].call;
    malformed |= built[i].expect != BuiltCall::kGood;
    records[i] = NewRecord(calls[i], static_cast<uint8_t>(op.e + i),
                           queue != nullptr ? queue->id : kViaCallback);
    data[i] = IndexOf(records[i]);
  }
  size_t submitted = 99;
  const bool shut_down_before = ShutDownBefore();
  tether_status status =
      queue != nullptr
          ? tether_submit_batch_cq(seq.runtime, calls.data(), count, queue->cq,
                                   data.data(), tickets.data(), &submitted)
          : tether_submit_batch(seq.runtime, calls.data(), count, &OnCompletion,
                                data.data(), tickets.data(), &submitted);
  if (submitted > count) Fail("batch submitted %zu of %zu", submitted, count);
  if (malformed && (submitted != 0 || (status != TETHER_E_INVALID_ARG &&
                                       status != TETHER_E_TOO_LARGE)))
    Fail("a batch with a malformed call: %s, %zu accepted", Name(status),
         submitted);
  if (status == TETHER_OK && submitted != count)
    Fail("batch OK with %zu of %zu", submitted, count);
  if (status != TETHER_OK && submitted == count)
    Fail("batch %s with all %zu accepted", Name(status), count);
  const bool queue_shut = queue != nullptr && queue->shut_down;
  if (!malformed && (shut_down_before || queue_shut))
    Expect(status, TETHER_E_CLOSED, "a batch after shutdown");
  if (status == TETHER_E_CLOSED && !ShutdownStarted() && !queue_shut)
    Fail("batch CLOSED with no shutdown called");
  for (size_t i = 0; i < count; ++i) {
    if (i < submitted) {
      Settle(built[i], records[i], TETHER_OK, tickets[i], false);
    } else if (built[i].moved != nullptr) {
      Expect(tether_buf_free(built[i].moved), TETHER_OK,
             "free refused batch payload");
    }
  }
}

void Cancel(Sequence& seq, const tether_fuzz::Op& op) {
  size_t count = g_record_count.load(std::memory_order_acquire);
  uint64_t ticket = op.e;
  bool forged = (op.a & 1) != 0 || count == 0;
  Record* record = nullptr;
  if (!forged) {
    record = &g_records[op.d % count];
    ticket = record->ticket.load(std::memory_order_relaxed);
  }
  // Taken before the cancel: a completion seen now is seen by it too.
  const bool seen = record != nullptr &&
                    record->completions.load(std::memory_order_acquire) != 0;
  const bool shut_down_before = ShutDownBefore();
  tether_status status = tether_cancel(seq.runtime, ticket);
  switch (status) {
    case TETHER_OK:
      if (ticket == 0) Fail("cancel of ticket 0 said OK");
      if (seen) Fail("cancel of a call already completed said OK");
      break;
    case TETHER_E_STALE_TICKET:
    case TETHER_E_ALREADY_COMPLETED:
    case TETHER_E_BUSY:
    case TETHER_E_CLOSED:
      break;
    default:
      Fail("cancel got %s", Name(status));
  }
  if (shut_down_before)
    Expect(status, TETHER_E_CLOSED, "cancel after shutdown");
  if (status == TETHER_E_CLOSED && !ShutdownStarted())
    Fail("cancel CLOSED with no shutdown called");
}

void CqPoll(ThreadState& ts, const tether_fuzz::Op& op, bool take) {
  Queue* queue = PickQueue(ts, op.b);
  if (queue == nullptr) return;
  constexpr size_t kMaxTake = 16;
  const size_t max = 1 + op.a % kMaxTake;
  size_t elem_size = sizeof(tether_completion);
  bool bad_size = false;
  switch (op.c % 4) {
    case 1:
      elem_size = TETHER_COMPLETION_MIN_SIZE;
      break;
    case 2:
      elem_size = sizeof(tether_completion) + 24;
      break;
    case 3:
      elem_size = TETHER_COMPLETION_MIN_SIZE - 1;
      bad_size = true;
      break;
  }
  std::vector<unsigned char> out(elem_size * max, 0xee);
  size_t count = 77;
  tether_status status =
      take ? tether_cq_take(queue->cq, out.data(), elem_size, max, &count)
           : tether_cq_poll(queue->cq, out.data(), elem_size, max,
                            op.e % 50'000, &count);
  if (bad_size) {
    Expect(status, TETHER_E_INVALID_ARG, "a poll below version 1's size");
    return;
  }
  if (status != TETHER_OK && status != TETHER_E_CLOSED)
    Fail("poll got %s", Name(status));
  if (count > max) Fail("poll returned %zu of at most %zu", count, max);
  if (status == TETHER_E_CLOSED && count != 0)
    Fail("CLOSED with %zu completions", count);
  if (status == TETHER_E_CLOSED && !queue->shut_down)
    Fail("a queue not shut down said CLOSED");
  for (size_t i = 0; i < count; ++i) {
    size_t written;
    std::memcpy(&written, out.data() + i * elem_size, sizeof written);
    if (written != std::min(elem_size, sizeof(tether_completion)))
      Fail("element struct_size %zu for elem_size %zu", written, elem_size);
    if (elem_size > sizeof(tether_completion) &&
        out[i * elem_size + sizeof(tether_completion)] != 0xee)
      Fail("poll wrote past the completion it knows");
  }
  ProcessTaken(*queue, out.data(), elem_size, count);
}

void CqDestroy(ThreadState& ts, const tether_fuzz::Op& op) {
  if (ts.queues.empty()) return;
  size_t index = op.b % ts.queues.size();
  Queue queue = ts.queues[index];
  ts.queues.erase(ts.queues.begin() + static_cast<ptrdiff_t>(index));
  size_t count = g_record_count.load(std::memory_order_acquire);
  for (size_t i = 0; i < count; ++i) {
    if (g_records[i].via == queue.id) g_records[i].unobservable = true;
  }
  tether_cq_destroy(queue.cq);
}

void BufAlloc(ThreadState& ts, const tether_fuzz::Op& op) {
  if ((op.a & 0x0f) == 0x0f) {
    if (tether_buf_alloc(TETHER_BUF_MAX_SIZE + 1 + op.d % 16) != nullptr)
      Fail("an allocation over TETHER_BUF_MAX_SIZE succeeded");
    return;
  }
  size_t size = op.d % 2048;
  void* data = (op.a & 0x10) != 0 ? tether_buf_alloc_tagged(size, "fuzz site")
                                  : tether_buf_alloc(size);
  if (data == nullptr) Fail("tether_buf_alloc(%zu) failed", size);
  size_t got = 0;
  Expect(tether_buf_size(data, &got), TETHER_OK, "size of a live buffer");
  if (got != size) Fail("buffer of %zu says %zu", size, got);
  std::memset(data, op.b, size);
  ts.buffers.push_back(data);
}

void RememberFreed(ThreadState& ts, void* data) {
  constexpr size_t kKeep = 4;
  if (ts.freed.size() == kKeep) ts.freed.erase(ts.freed.begin());
  ts.freed.push_back({data, ts.op_index});
}

void BufFree(ThreadState& ts, const tether_fuzz::Op& op) {
  if (ts.buffers.empty()) return;
  size_t index = op.d % ts.buffers.size();
  void* data = ts.buffers[index];
  ts.buffers.erase(ts.buffers.begin() + static_cast<ptrdiff_t>(index));
  Expect((op.a & 1) != 0 ? tether_buf_free_tagged(data, "fuzz free")
                         : tether_buf_free(data),
         TETHER_OK, "free a live buffer");
  if ((op.a & 2) != 0) {
    Expect(tether_buf_free(data), TETHER_E_DOUBLE_FREE, "free it again");
  }
  RememberFreed(ts, data);
}

void BufMisuse(ThreadState& ts, const tether_fuzz::Op& op) {
  constexpr size_t kRecentOps = 8;
  size_t size = 0;
  switch (op.a % 6) {
    case 0: {
      void* foreign = std::malloc(1 + op.d % 64);
      Expect(tether_buf_free(foreign), TETHER_E_FOREIGN_BUFFER,
             "free malloc's");
      std::free(foreign);
      break;
    }
    case 1: {
      uint64_t on_stack = 0;
      Expect(tether_buf_free(&on_stack), TETHER_E_FOREIGN_BUFFER,
             "free a local");
      break;
    }
    case 2:
      if (!ts.buffers.empty()) {
        auto* data =
            static_cast<unsigned char*>(ts.buffers[op.d % ts.buffers.size()]);
        Expect(tether_buf_free(data + 1 + op.b % 15), TETHER_E_FOREIGN_BUFFER,
               "free an interior pointer");
      }
      break;
    case 3:
      if (!ts.freed.empty() && ts.op_index - ts.freed.back().op <= kRecentOps) {
        void* data = ts.freed.back().data;
        Expect(tether_buf_free(data), TETHER_E_DOUBLE_FREE,
               "free a freed buffer");
        Expect(tether_buf_size(data, &size), TETHER_E_FOREIGN_BUFFER,
               "size of a freed buffer");
      }
      break;
    case 4:
      Expect(tether_buf_free(nullptr), TETHER_OK, "free NULL");
      Expect(tether_buf_size(nullptr, &size), TETHER_E_FOREIGN_BUFFER,
             "size of NULL");
      break;
    default:
      if (!ts.buffers.empty()) {
        Expect(tether_buf_size(ts.buffers[0], nullptr), TETHER_E_INVALID_ARG,
               "size with NULL out");
      }
      break;
  }
}

void HandleOp(const tether_fuzz::Op& op) {
  std::lock_guard<std::mutex> lock(g_handles_mutex);
  const bool forged = (op.a & 1) != 0 || g_handles.empty();
  const bool retain = (op.a & 2) != 0;
  if (forged) {
    for (const HandleRef& ref : g_handles) {
      if (ref.value == op.e) return;  // not forged after all
    }
    tether_status status =
        retain ? tether_handle_retain(op.e) : tether_handle_release(op.e);
    Expect(status, TETHER_E_STALE_TICKET, "a forged handle");
    return;
  }
  HandleRef& ref = g_handles[op.d % g_handles.size()];
  if (retain) {
    tether_status status = tether_handle_retain(ref.value);
    Expect(status, ref.refs != 0 ? TETHER_OK : TETHER_E_STALE_TICKET, "retain");
    if (status == TETHER_OK) ++ref.refs;
  } else {
    tether_status status = tether_handle_release(ref.value);
    Expect(status, ref.refs != 0 ? TETHER_OK : TETHER_E_STALE_TICKET,
           "release");
    if (status == TETHER_OK) --ref.refs;
  }
}

void StatsOp(Sequence& seq, const tether_fuzz::Op& op) {
  switch (op.a % 3) {
    case 0: {
      tether_stats stats;
      tether_stats_init(&stats);
      Expect(tether_runtime_stats(seq.runtime, &stats), TETHER_OK, "stats");
      break;
    }
    case 1: {
      tether_lane_stats stats;
      tether_lane_stats_init(&stats);
      const uint32_t lanes = tether_runtime_lanes(seq.runtime);
      const uint32_t lane = op.b % (lanes + 2);
      tether_status status =
          tether_runtime_lane_stats(seq.runtime, lane, &stats);
      Expect(status, lane < lanes ? TETHER_OK : TETHER_E_INVALID_ARG,
             "lane stats");
      break;
    }
    default: {
      char* report = nullptr;
      uint64_t findings = 0;
      Expect(tether_runtime_leak_report(seq.runtime, &report, &findings),
             TETHER_OK, "leak report");
      Expect(tether_buf_free(report), TETHER_OK, "free the report");
      break;
    }
  }
}

void Shutdown(Sequence& seq, const tether_fuzz::Op& op) {
  int32_t mode =
      (op.a & 1) != 0 ? TETHER_SHUTDOWN_CANCEL : TETHER_SHUTDOWN_DRAIN;
  const bool bad_mode = op.a % 7 == 6;
  if (bad_mode) mode = 77;
  const bool was_shut_down = ShutDownBefore();
  if (!bad_mode) g_shutdown_started.store(true, std::memory_order_release);
  tether_status status =
      tether_runtime_shutdown(seq.runtime, mode, op.e % 1'000'000);
  if (bad_mode) {
    if (status != TETHER_E_INVALID_ARG &&
        !(was_shut_down && status == TETHER_OK))
      Fail("shutdown with an unknown mode got %s", Name(status));
    return;
  }
  Expect(status, TETHER_OK, "shutdown");
  g_shutdown_returned.store(true, std::memory_order_release);
}

void NullArgs(Sequence& seq, ThreadState& ts, const tether_fuzz::Op& op) {
  tether_call call;
  tether_call_init(&call);
  uint64_t ticket = 0;
  switch (op.a % 6) {
    case 0:
      Expect(tether_submit(nullptr, &call, &OnCompletion, 0, &ticket),
             TETHER_E_INVALID_ARG, "submit to NULL");
      break;
    case 1:
      Expect(tether_submit(seq.runtime, nullptr, &OnCompletion, 0, &ticket),
             TETHER_E_INVALID_ARG, "submit NULL call");
      break;
    case 2:
      Expect(tether_submit(seq.runtime, &call, nullptr, 0, &ticket),
             TETHER_E_INVALID_ARG, "submit NULL callback");
      break;
    case 3:
      Expect(tether_submit_cq(seq.runtime, &call, nullptr, 0, &ticket),
             TETHER_E_INVALID_ARG, "submit to NULL queue");
      break;
    case 4:
      Expect(tether_cancel(nullptr, op.e), TETHER_E_INVALID_ARG,
             "cancel on NULL");
      break;
    default: {
      Queue* queue = PickQueue(ts, op.b);
      size_t count = 0;
      if (queue != nullptr) {
        Expect(tether_cq_poll(queue->cq, nullptr, sizeof(tether_completion), 1,
                              0, &count),
               TETHER_E_INVALID_ARG, "poll into NULL");
      }
      Expect(tether_cq_reset_fd(nullptr), TETHER_E_INVALID_ARG,
             "reset NULL fd");
      if (tether_cq_fd(nullptr) != -1) Fail("fd of a NULL queue");
      break;
    }
  }
}

void Run(Sequence& seq, ThreadState& ts, const tether_fuzz::Op& op) {
  ++ts.op_index;
  switch (op.code % kOpCount) {
    case kOpSubmit:
      SubmitOne(seq, ts, op, false, nullptr);
      break;
    case kOpSubmitCq:
      SubmitOne(seq, ts, op, true, nullptr);
      break;
    case kOpBatch:
      SubmitBatch(seq, ts, op);
      break;
    case kOpStreamOpen: {
      tether_stream* stream = nullptr;
      tether_status status = tether_stream_open(seq.runtime, &stream);
      if (status == TETHER_OK) {
        ts.streams.push_back(stream);
      } else if (status != TETHER_E_CLOSED || !ShutdownStarted()) {
        Fail("stream open got %s", Name(status));
      }
      break;
    }
    case kOpStreamSubmit:
      if (!ts.streams.empty()) {
        SubmitOne(seq, ts, op, (op.b & 0x40) != 0,
                  ts.streams[op.d % ts.streams.size()]);
      }
      break;
    case kOpStreamDestroy:
      if (!ts.streams.empty()) {
        size_t index = op.d % ts.streams.size();
        tether_stream_destroy(ts.streams[index]);
        ts.streams.erase(ts.streams.begin() + static_cast<ptrdiff_t>(index));
      }
      break;
    case kOpCancel:
      Cancel(seq, op);
      break;
    case kOpCqOpen: {
      constexpr size_t kMaxQueues = 4;
      if (ts.queues.size() == kMaxQueues) break;
      tether_cq* cq = nullptr;
      tether_status status = tether_cq_open(seq.runtime, &cq);
      if (status == TETHER_OK) {
        if (tether_cq_fd(cq) < 0) Fail("a queue without an fd");
        ts.queues.push_back({cq, g_next_queue_id.fetch_add(1), false});
      } else if (status != TETHER_E_CLOSED || !ShutdownStarted()) {
        Fail("cq open got %s", Name(status));
      }
      break;
    }
    case kOpCqPoll:
      CqPoll(ts, op, false);
      break;
    case kOpCqTake:
      CqPoll(ts, op, true);
      break;
    case kOpCqShutdown:
      if (Queue* queue = PickQueue(ts, op.b)) {
        Expect(tether_cq_shutdown(queue->cq), TETHER_OK, "cq shutdown");
        Expect(tether_cq_reset_fd(queue->cq), TETHER_OK, "cq reset fd");
        queue->shut_down = true;
      }
      break;
    case kOpCqDestroy:
      CqDestroy(ts, op);
      break;
    case kOpBufAlloc:
      BufAlloc(ts, op);
      break;
    case kOpBufFree:
      BufFree(ts, op);
      break;
    case kOpBufMisuse:
      BufMisuse(ts, op);
      break;
    case kOpHandle:
      if (ts.main) HandleOp(op);
      break;
    case kOpStats:
      StatsOp(seq, op);
      break;
    case kOpShutdown:
      Shutdown(seq, op);
      break;
    case kOpNullArgs:
      NullArgs(seq, ts, op);
      break;
    default:
      if ((op.a & 1) != 0) {
        usleep(op.d % 50);
      } else {
        std::this_thread::yield();
      }
      break;
  }
}

// --- the sequence's end ---------------------------------------------------

// Takes whatever a queue still holds; after the runtime's shutdown, every
// completion meant for it is there.
void DrainQueue(Queue& queue) {
  constexpr size_t kChunk = 16;
  tether_completion out[kChunk];
  size_t count = 0;
  tether_status status;
  do {
    status = tether_cq_take(queue.cq, out, sizeof out[0], kChunk, &count);
    if (status == TETHER_E_CLOSED && !queue.shut_down)
      Fail("take said CLOSED on a queue never shut down");
    if (status != TETHER_OK && status != TETHER_E_CLOSED)
      Fail("take after shutdown got %s", Name(status));
    ProcessTaken(queue, reinterpret_cast<unsigned char*>(out), sizeof out[0],
                 count);
  } while (status == TETHER_OK && count != 0);
  Expect(tether_cq_shutdown(queue.cq), TETHER_OK, "cq shutdown at the end");
  Expect(tether_cq_poll(queue.cq, out, sizeof out[0], kChunk, 0, &count),
         TETHER_E_CLOSED, "a drained queue of a shut-down runtime");
}

// Ends the sequence by shutting the runtime down (in `mode`), after which
// every completion meant for a queue is in it.
void ShutDownAndDrain(Sequence& seq, ThreadState* threads, size_t thread_count,
                      int32_t mode, uint64_t drain_ns) {
  g_shutdown_started.store(true, std::memory_order_release);
  Expect(tether_runtime_shutdown(seq.runtime, mode, drain_ns), TETHER_OK,
         "shutdown at the end");
  g_shutdown_returned.store(true, std::memory_order_release);
  for (size_t t = 0; t < thread_count; ++t) {
    for (Queue& queue : threads[t].queues) DrainQueue(queue);
  }
}

// Requests of this sequence the library never lets go of: accepted calls
// of kNeverReply. Only a shutdown releases them; `pin_buffer` says whether
// one holds a tether buffer (a moved payload), which would stay alive.
size_t HeldForever(bool* pin_buffer) {
  const size_t count = g_record_count.load();
  size_t held = 0;
  *pin_buffer = false;
  for (size_t i = 0; i < count; ++i) {
    const Record& record = g_records[i];
    if (!record.accepted.load() || record.method != tether_fuzz::kNeverReply)
      continue;
    ++held;
    *pin_buffer |= record.moved;
  }
  return held;
}

// Ends every call the library will never reply to, so it completes.
void CancelNeverReplied(Sequence& seq) {
  const size_t count = g_record_count.load();
  for (size_t i = 0; i < count; ++i) {
    const Record& record = g_records[i];
    if (!record.accepted.load() || record.method != tether_fuzz::kNeverReply)
      continue;
    tether_status status;
    do {
      status = tether_cancel(seq.runtime, record.ticket.load());
    } while (status == TETHER_E_BUSY);
    // ALREADY_COMPLETED: its deadline or an earlier cancel decided it;
    // STALE_TICKET: decided before a lane took it, and released.
    if (status != TETHER_OK && status != TETHER_E_ALREADY_COMPLETED &&
        status != TETHER_E_STALE_TICKET)
      Fail("cancel of a never replied call got %s", Name(status));
  }
}

bool AwaitsCompletion(const Record& record, uint32_t via) {
  return record.via == via && record.accepted.load() &&
         !record.unobservable.load() && !record.handled.load();
}

size_t Awaiting(uint32_t via) {
  const size_t count = g_record_count.load();
  size_t awaiting = 0;
  for (size_t i = 0; i < count; ++i)
    awaiting += AwaitsCompletion(g_records[i], via) ? 1 : 0;
  return awaiting;
}

// Takes a queue's completions until every call meant for it has arrived,
// then shuts it down: drained, it must say CLOSED.
void AwaitQueue(Queue& queue) {
  constexpr size_t kChunk = 16;
  tether_completion out[kChunk];
  size_t count = 0;
  while (Awaiting(queue.id) != 0) {
    tether_status status =
        tether_cq_poll(queue.cq, out, sizeof out[0], kChunk, 1'000'000, &count);
    if (status != TETHER_OK)
      Fail("poll for calls still due got %s", Name(status));
    ProcessTaken(queue, reinterpret_cast<unsigned char*>(out), sizeof out[0],
                 count);
  }
  Expect(tether_cq_shutdown(queue.cq), TETHER_OK, "cq shutdown at the end");
  Expect(tether_cq_poll(queue.cq, out, sizeof out[0], kChunk, 0, &count),
         TETHER_E_CLOSED, "a drained queue with no call due");
}

// Ends the sequence with the runtime left open: every accepted call has
// completed (only those never replied to are cancelled; every other method
// replies by itself), the library has finished all its work, and every
// request has been released (its ticket is stale) but the never replied
// ones, so nothing of this sequence but those is left in the runtime for
// the next one.
void Quiesce(Sequence& seq, ThreadState* threads, size_t thread_count) {
  CancelNeverReplied(seq);
  for (size_t t = 0; t < thread_count; ++t) {
    for (Queue& queue : threads[t].queues) AwaitQueue(queue);
  }
  while (Awaiting(kViaCallback) != 0) std::this_thread::yield();
  const size_t count = g_record_count.load();
  for (size_t i = 0; i < count; ++i) {
    const Record& record = g_records[i];
    if (!record.accepted.load()) continue;
    const uint64_t ticket = record.ticket.load();
    // A call whose queue was destroyed may not have completed yet (nothing
    // shows when it does): this probe may be what cancels it.
    const bool may_be_live = record.unobservable.load();
    // The library holds those for good: decided, never released.
    if (record.method == tether_fuzz::kNeverReply) {
      const tether_status status = tether_cancel(seq.runtime, ticket);
      if (status != TETHER_E_ALREADY_COMPLETED &&
          status != TETHER_E_STALE_TICKET && status != TETHER_E_BUSY)
        Fail("cancel of never replied call %zu got %s", i, Name(status));
      continue;
    }
    for (;;) {
      const tether_status status = tether_cancel(seq.runtime, ticket);
      if (status == TETHER_E_STALE_TICKET) break;
      if (status != TETHER_E_ALREADY_COMPLETED && status != TETHER_E_BUSY &&
          !(may_be_live && status == TETHER_OK))
        Fail("cancel of completed call %zu got %s", i, Name(status));
      std::this_thread::yield();
    }
  }
  // A request may be released at its first reply while its handler is
  // still making a second one; once released, no handler of it starts.
  while (tether_fuzz::LibraryBusy() != 0) std::this_thread::yield();
  // A completion freed unpolled (its queue destroyed) gives its credit back
  // on the thread that freed it, which may still be on its way there.
  for (;;) {
    tether_stats stats;
    tether_stats_init(&stats);
    Expect(tether_runtime_stats(seq.runtime, &stats), TETHER_OK, "stats");
    if (stats.in_flight == 0) break;
    std::this_thread::yield();
  }
}

// After either end: each call completed as often as it should, nothing is
// in flight, and once the host lets go of what it holds, nothing is alive.
void CheckAndRelease(Sequence& seq, ThreadState* threads, size_t thread_count) {
  const size_t count = g_record_count.load();
  for (size_t i = 0; i < count; ++i) {
    const Record& record = g_records[i];
    const uint32_t done = record.completions.load();
    if (!record.accepted.load()) {
      if (done != 0) Fail("refused call %zu completed", i);
    } else if (!record.unobservable.load() && done != 1) {
      Fail("accepted call %zu (method %u) completed %u times", i, record.method,
           done);
    }
  }
  tether_stats stats;
  tether_stats_init(&stats);
  Expect(tether_runtime_stats(seq.runtime, &stats), TETHER_OK, "final stats");
  if (stats.in_flight != 0)
    Fail("%llu calls in flight at the end",
         static_cast<unsigned long long>(stats.in_flight));
  for (size_t t = 0; t < thread_count; ++t) {
    ThreadState& ts = threads[t];
    for (Queue& queue : ts.queues) tether_cq_destroy(queue.cq);
    for (tether_stream* stream : ts.streams) tether_stream_destroy(stream);
    for (void* data : ts.buffers)
      Expect(tether_buf_free(data), TETHER_OK, "free");
  }
  {
    std::lock_guard<std::mutex> lock(g_handles_mutex);
    for (HandleRef& ref : g_handles) {
      for (; ref.refs != 0; --ref.refs) {
        Expect(tether_handle_release(ref.value), TETHER_OK,
               "release at the end");
      }
    }
    g_handles.clear();
  }
  char* report = nullptr;
  uint64_t findings = 0;
  Expect(tether_runtime_leak_report(seq.runtime, &report, &findings), TETHER_OK,
         "final leak report");
  if (findings != 0) Fail("leak report after the sequence:\n%s", report);
  tether_buf_free(report);
}

// Opens a runtime with a config the header says is wrong, which must be
// refused with nothing started and nothing leaked.
void OpenBadly(uint8_t how) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  tether_status want = TETHER_E_INVALID_ARG;
  const tether_library* library = tether_fuzz::FuzzLibrary();
  switch (how % 6) {
    case 0:
      config.lanes = 0;
      break;
    case 1:
      config.lanes = 257;
      break;
    case 2:
      config.max_calls_in_flight = 0;
      break;
    case 3:
      config.max_payload_bytes = 1024;
      config.max_bytes_in_flight = 1023;
      break;
    case 4:
      config.struct_size = sizeof config + 8;
      want = TETHER_E_VERSION;
      break;
    default:
      library = nullptr;
      break;
  }
  tether_runtime* runtime = reinterpret_cast<tether_runtime*>(&config);
  char* error = nullptr;
  Expect(tether_runtime_open(library, &config, &runtime, &error), want,
         "a bad open");
  if (error != nullptr)
    Expect(tether_buf_free(error), TETHER_OK, "free open error");
}

// Every line is formatted (so formatting is fuzzed too) and dropped.
std::atomic<uint64_t> g_log_lines{0};
void QuietSink(uint64_t, int32_t, const char* message) {
  if (message == nullptr) Fail("a NULL log line");
  g_log_lines.fetch_add(1, std::memory_order_relaxed);
}

tether_fuzz::RuntimeCache g_runtimes;
// Never destroyed: its thread stays parked on it until the process ends.
tether_fuzz::HelperThread* const g_helper = new tether_fuzz::HelperThread;

// At exit, so the leak check there sees their threads joined and memory
// freed.
void DestroyKeptRuntimes() {
  for (tether_runtime* runtime : g_runtimes.TakeAll())
    Expect(tether_runtime_destroy(runtime), TETHER_OK, "destroy at exit");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Expect(tether_log_set_sink(&QuietSink, 0, TETHER_LOG_DEBUG), TETHER_OK,
         "log sink");
  Expect(tether_buf_set_mode(TETHER_BUF_MODE_DEBUG), TETHER_OK,
         "debug buffers");
  std::atexit(&DestroyKeptRuntimes);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tether_fuzz::Input input(data, size);
  const tether_fuzz::Header header = input.header();
  std::vector<tether_fuzz::Op> ops = input.ops(kMaxOps);

  uint64_t buffers_before = 0;
  tether_buf_live(&buffers_before, nullptr);
  const uint64_t handles_before = tether_handles_live();
  const uint64_t objects_before = tether_fuzz::HandleObjectsAlive();
  // Records past the last sequence's count are still as the one before
  // left them: reset.
  const size_t used = std::min(g_record_count.load(), kMaxRecords);
  for (size_t i = 0; i < used; ++i) {
    Record& record = g_records[i];
    record.completions.store(0, std::memory_order_relaxed);
    record.ticket.store(0, std::memory_order_relaxed);
    record.accepted.store(false, std::memory_order_relaxed);
    record.unobservable.store(false, std::memory_order_relaxed);
    record.handled.store(false, std::memory_order_relaxed);
  }
  g_record_count.store(0);
  g_sequence.fetch_add(1, std::memory_order_relaxed);
  g_shutdown_started.store(false);
  g_shutdown_returned.store(false);

  if ((header.flags & 0x80) != 0) OpenBadly(header.flags);

  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = 1 + header.lanes % 3;
  config.max_calls_in_flight = 1 + header.calls % 64;
  config.max_payload_bytes = header.payload % 4097;
  config.max_bytes_in_flight =
      config.max_payload_bytes + (header.flags & 0x01 ? 0 : 65536);
  config.deliver = (header.flags & 0x02) != 0 ? TETHER_DELIVER_ON_THREAD
                                              : TETHER_DELIVER_ON_LANE;
  config.spin_ns = (header.flags & 0x04) != 0 ? 0 : 20000;
  config.growth_threshold = (header.flags & 0x08) != 0 ? 4 : 4096;
  config.leak_check = TETHER_LEAK_CHECK_OFF;  // checked below, exactly

  Sequence seq;
  seq.max_payload = config.max_payload_bytes;
  size_t held_before = 0;  // requests earlier sequences left it holding
  seq.runtime = g_runtimes.Take(config, &held_before);
  if (seq.runtime == nullptr) {
    char* error = nullptr;
    Expect(tether_runtime_open(tether_fuzz::FuzzLibrary(), &config,
                               &seq.runtime, &error),
           TETHER_OK, "open");
  }

  ThreadState threads[2];
  threads[0].main = true;
  std::vector<tether_fuzz::Op> second;
  std::vector<tether_fuzz::Op> first;
  for (const tether_fuzz::Op& op : ops)
    ((op.code & 0x80) != 0 ? second : first).push_back(op);
  if (!second.empty()) {
    g_helper->Start([&] {
      for (const tether_fuzz::Op& op : second) Run(seq, threads[1], op);
    });
  }
  for (const tether_fuzz::Op& op : first) Run(seq, threads[0], op);
  if (!second.empty()) g_helper->Wait();

  // Flag 0x40 asks for the shutdown even when nothing needs one. A runtime
  // is kept holding a few requests never replied to (see runtime_cache.h),
  // but not one that would keep a tether buffer alive.
  bool pins_buffer = false;
  const size_t held = held_before + HeldForever(&pins_buffer);
  const bool keep = (header.flags & 0x40) == 0 && !ShutdownStarted() &&
                    !pins_buffer &&
                    held <= tether_fuzz::RuntimeCache::MaxHeld(config);
  if (keep) {
    Quiesce(seq, threads, 2);
  } else {
    ShutDownAndDrain(seq, threads, 2,
                     (header.flags & 0x10) != 0 ? TETHER_SHUTDOWN_DRAIN
                                                : TETHER_SHUTDOWN_CANCEL,
                     (header.flags & 0x20) != 0 ? 500'000 : 0);
  }
  CheckAndRelease(seq, threads, 2);
  if (keep) {
    if (tether_runtime* dropped = g_runtimes.Put(config, seq.runtime, held))
      Expect(tether_runtime_destroy(dropped), TETHER_OK, "destroy a kept one");
  } else {
    Expect(tether_runtime_destroy(seq.runtime), TETHER_OK, "destroy");
  }

  uint64_t buffers_after = 0;
  tether_buf_live(&buffers_after, nullptr);
  if (buffers_after != buffers_before)
    Fail("%llu live buffers after the sequence, %llu before",
         static_cast<unsigned long long>(buffers_after),
         static_cast<unsigned long long>(buffers_before));
  if (tether_handles_live() != handles_before)
    Fail("handles live %llu, before %llu",
         static_cast<unsigned long long>(tether_handles_live()),
         static_cast<unsigned long long>(handles_before));
  if (tether_fuzz::HandleObjectsAlive() != objects_before)
    Fail("a released handle's destroy did not run");
  return 0;
}
