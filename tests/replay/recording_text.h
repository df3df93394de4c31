// Writes recordings for the tests, one line at a time, in the format the
// boundary recorder writes (docs/recorder.md).
#ifndef TETHER_TESTS_REPLAY_RECORDING_TEXT_H_
#define TETHER_TESTS_REPLAY_RECORDING_TEXT_H_

#include <cstdint>
#include <string>

namespace tether::replay::testing {

// One record; the digest is computed from the payload unless set.
struct RecordLine {
  uint32_t lane = 0;
  uint64_t seq = 0;
  uint64_t ticket = 1;
  uint32_t method = 1;
  uint64_t key = 0;
  std::string payload;
  bool captured = true;  // write the "payload" field (when not empty)
  std::string digest;    // "" : the payload's digest
  int64_t len = -1;      // -1: the payload's length
  uint64_t submit_ns = 1000;
  uint32_t wait_ns = 10;
  uint32_t run_ns = 5;
  std::string outcome = "done";
  int32_t status = 0;
  int32_t code = 0;
};

// The header line, with '\n'.
std::string header_line(uint32_t lanes, uint64_t version = 1);

// The record's line, with '\n'.
std::string record_line(const RecordLine& record);

// Writes `text` to a new file `name` in the test's temporary directory and
// returns its path.
std::string write_file(const std::string& name, const std::string& text);

}  // namespace tether::replay::testing

#endif  // TETHER_TESTS_REPLAY_RECORDING_TEXT_H_
