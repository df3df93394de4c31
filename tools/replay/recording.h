// A recording as the boundary recorder writes it (format version 1): the
// header, then the calls the lanes took, by lane and record number.
#ifndef TETHER_TOOLS_REPLAY_RECORDING_H_
#define TETHER_TOOLS_REPLAY_RECORDING_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace tether::replay {

// The format version this reader knows.
constexpr uint64_t kRecordingVersion = 1;

struct RecordingHeader {
  uint64_t version = 0;
  std::string library;  // "" when the header has none
  uint32_t lanes = 0;
  std::string reason;    // "dump", "crash", or "" when absent
  bool crashed = false;  // the header names a crash_lane and a signal
  uint32_t crash_lane = 0;
  uint32_t signal = 0;
};

enum class Outcome { kDone, kRunning, kPending, kSkipped };

struct Record {
  uint32_t lane = 0;
  uint64_t seq = 0;
  uint64_t ticket = 0;
  uint32_t method = 0;
  uint64_t key = 0;
  uint64_t len = 0;
  uint64_t digest = 0;
  uint64_t thread = 0;
  uint64_t submit_ns = 0;
  uint32_t wait_ns = 0;
  uint32_t run_ns = 0;
  Outcome outcome = Outcome::kDone;
  int32_t status = 0;
  int32_t code = 0;
  // The payload's bytes are known: captured and not torn, or empty (len 0).
  bool has_payload = false;
  std::vector<unsigned char> payload;
  // The line of the recording it came from (from 1), for messages.
  uint64_t line = 0;
};

struct Recording {
  RecordingHeader header;
  std::vector<Record> records;
};

// Reads a whole recording. Refuses, with false and *error naming the line
// ("line 3: ..."): a line that is not one JSON object, a header of another
// format or of a version other than kRecordingVersion, a missing field or
// one of the wrong kind or out of its range, a record on a lane the header
// does not have or out of the format's order, and a captured payload that
// does not match its length or its digest (unless marked "torn": then it is
// taken as not captured). Fields it does not know are ignored.
bool read_recording(std::istream& in, Recording* recording, std::string* error);

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_RECORDING_H_
