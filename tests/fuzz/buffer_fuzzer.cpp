// libFuzzer harness over the buffer allocator alone: random allocations,
// frees, double frees, foreign and interior pointers, site tags, mode
// switches and integrity checks, from one thread.
//
// Each input byte pair is one operation. Checked: every status is the one
// tether/buffer.h documents for it, sizes and contents survive until the
// free, the misuse counters grow by the misuses made, and live
// buffers return to their count from before the input.
//
// Writes past the end or after a free are left out: in this build the
// guards and the quarantine are poisoned for AddressSanitizer, which stops
// the write before tether could see it (tests/runtime/buffers covers
// tether's own detection in plain builds).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tether/tether.h"

namespace {

[[noreturn]] void Fail(const char* what, tether_status got) {
  std::fprintf(stderr, "buffer_fuzzer: %s (status %s)\n", what,
               tether_status_str(got));
  std::abort();
}

void Expect(tether_status got, tether_status want, const char* what) {
  if (got != want) Fail(what, got);
}

struct Live {
  unsigned char* data;
  size_t size;
  unsigned char fill;
};

uint64_t Problems(int32_t kind) {
  uint64_t count = 0;
  Expect(tether_buf_problems(kind, &count), TETHER_OK, "problems");
  return count;
}

void QuietSink(uint64_t, int32_t, const char*) {}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tether_log_set_sink(&QuietSink, 0, TETHER_LOG_DEBUG);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t live_before = 0;
  tether_buf_live(&live_before, nullptr);
  const uint64_t doubles_before = Problems(TETHER_BUF_PROBLEM_DOUBLE_FREE);
  const uint64_t foreign_before = Problems(TETHER_BUF_PROBLEM_FOREIGN);
  uint64_t doubles = 0;
  uint64_t foreign = 0;
  std::vector<Live> live;
  // Freed while in debug mode, and only the most recent: the quarantine
  // still holds them, so no new buffer can have their address.
  void* last_freed_debug = nullptr;

  for (size_t at = 0; at + 1 < size; at += 2) {
    const uint8_t op = data[at];
    const uint8_t arg = data[at + 1];
    switch (op % 9) {
      case 0:
      case 1: {  // allocate, tagged or not, sizes 0 to ~64 KiB
        size_t bytes = static_cast<size_t>(arg) << (op % 2 == 0 ? 0 : 8);
        auto* buffer = static_cast<unsigned char*>(
            (arg & 1) != 0 ? tether_buf_alloc_tagged(bytes, "buffer fuzz")
                           : tether_buf_alloc(bytes));
        if (buffer == nullptr) Fail("allocation failed", TETHER_E_NO_MEMORY);
        std::memset(buffer, arg, bytes);
        live.push_back({buffer, bytes, arg});
        break;
      }
      case 2:
      case 3: {  // free, checking the contents first
        if (live.empty()) break;
        size_t index = arg % live.size();
        Live buffer = live[index];
        live.erase(live.begin() + static_cast<ptrdiff_t>(index));
        size_t got = 0;
        Expect(tether_buf_size(buffer.data, &got), TETHER_OK, "size");
        if (got != buffer.size) Fail("size changed", TETHER_OK);
        for (size_t i = 0; i < buffer.size; ++i) {
          if (buffer.data[i] != buffer.fill)
            Fail("contents changed", TETHER_OK);
        }
        const bool debug = tether_buf_mode() == TETHER_BUF_MODE_DEBUG;
        Expect(op % 2 == 0 ? tether_buf_free(buffer.data)
                           : tether_buf_free_tagged(buffer.data, "buffer fuzz"),
               TETHER_OK, "free");
        last_freed_debug = debug ? buffer.data : nullptr;
        break;
      }
      case 4:  // double free of the buffer just freed
        if (last_freed_debug != nullptr) {
          Expect(tether_buf_free(last_freed_debug), TETHER_E_DOUBLE_FREE,
                 "double free");
          ++doubles;
          last_freed_debug = nullptr;  // each damaged buffer counts once
        }
        break;
      case 5: {  // foreign: malloc's, a local, an interior pointer
        void* foreign_ptr = std::malloc(1 + arg);
        Expect(tether_buf_free(foreign_ptr), TETHER_E_FOREIGN_BUFFER,
               "foreign");
        std::free(foreign_ptr);
        ++foreign;
        int local = 0;
        Expect(tether_buf_free(&local), TETHER_E_FOREIGN_BUFFER, "local");
        ++foreign;
        if (!live.empty()) {
          Live& buffer = live[arg % live.size()];
          if (buffer.size > 1) {
            Expect(tether_buf_free(buffer.data + 1 + arg % (buffer.size - 1)),
                   TETHER_E_FOREIGN_BUFFER, "interior");
            ++foreign;
          }
        }
        break;
      }
      case 6:  // switch modes: buffers keep the mode they were made in
        Expect(tether_buf_set_mode((arg & 1) != 0 ? TETHER_BUF_MODE_DEBUG
                                                  : TETHER_BUF_MODE_RELEASE),
               TETHER_OK, "set mode");
        Expect(tether_buf_set_mode(2 + arg), TETHER_E_INVALID_ARG, "bad mode");
        break;
      case 7:
        Expect(tether_buf_check_all(), TETHER_OK, "check all");
        break;
      default:
        if (tether_buf_alloc(TETHER_BUF_MAX_SIZE + 1 + arg) != nullptr)
          Fail("oversize allocation succeeded", TETHER_OK);
        Expect(tether_buf_free(nullptr), TETHER_OK, "free NULL");
        break;
    }
  }
  for (const Live& buffer : live) {
    Expect(tether_buf_free(buffer.data), TETHER_OK, "free at the end");
  }
  uint64_t live_after = 0;
  tether_buf_live(&live_after, nullptr);
  if (live_after != live_before) Fail("live buffers changed", TETHER_OK);
  if (Problems(TETHER_BUF_PROBLEM_DOUBLE_FREE) - doubles_before != doubles)
    Fail("double frees miscounted", TETHER_OK);
  // A pointer freed as foreign twice (the same local) may count once.
  const uint64_t foreign_counted =
      Problems(TETHER_BUF_PROBLEM_FOREIGN) - foreign_before;
  if (foreign_counted > foreign || (foreign != 0 && foreign_counted == 0))
    Fail("foreign frees miscounted", TETHER_OK);
  return 0;
}
