// The boundary recorder of one runtime: a LaneRing per lane (lane_ring.h),
// and the writers of what they hold: the dump (JSON lines, the format in
// docs/recorder.md), a crash's recent-calls lines, and a crash's file.
//
// Everything a crash needs is prepared at open: the rings, the file's path.
// dump(), print_recent() and write_crash_file() then allocate nothing and
// take no lock, so the crash handler can call them.
//
// Thread safety: the rings as lane_ring.h says; the writers from any
// thread, concurrently with the lanes.
#ifndef TETHER_RUNTIME_RECORDER_RECORDER_H_
#define TETHER_RUNTIME_RECORDER_RECORDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recorder/lane_ring.h"

namespace tether::recorder {

// Records a lane keeps when the recorder is turned on without a size.
inline constexpr uint32_t kEntriesWhenAsked = 256;

struct Settings {
  // 0: off, the default: it costs about 8% of the hot round trip
  // (docs/recorder.md), over the 5% it was allowed.
  uint32_t entries = 0;
  uint32_t capture_max_payload = 4096;
  uint64_t capture_bytes = 0;  // 0: no capture
  std::string capture_dir;     // empty: no crash file
};

inline constexpr uint64_t kCaptureBytesWhenAsked = uint64_t{1} << 20;

// The settings with TETHER_RECORDER (off|on|capture) and TETHER_CAPTURE_DIR
// applied; a value it does not know is logged and ignored.
Settings with_environment(Settings settings);

class Recorder {
 public:
  // REQUIRES: settings checked (the config's limits). Throws bad_alloc.
  Recorder(const Settings& settings, uint32_t lanes, std::string library,
           uint64_t runtime_id);

  bool on() const { return !rings_.empty(); }
  // nullptr when the recorder is off.
  LaneRing* lane(uint32_t index) {
    return on() ? rings_[index].get() : nullptr;
  }

  // The header line and every record held, by lane and seq; payloads when
  // with_payloads. crash_lane < 0: reason "dump". Returns 0 or the errno of
  // the write that failed.
  int dump(int fd, bool with_payloads, int crash_lane = -1,
           int signal = 0) const;
  // Lines "tether:   seq ..." of lane's last `count` records, oldest first.
  void print_recent(int fd, uint32_t lane, int count) const;
  // Writes the recording with payloads to crash_file(); false if there is
  // none or it could not be written (the report says so).
  bool write_crash_file(int crash_lane, int signal) const;
  // "" when no directory was configured.
  const char* crash_file() const { return crash_file_.c_str(); }

 private:
  const Settings settings_;
  const uint32_t lanes_;
  const std::string library_;
  const uint64_t runtime_id_;
  const std::string crash_file_;
  std::vector<std::unique_ptr<LaneRing>> rings_;
};

}  // namespace tether::recorder

#endif  // TETHER_RUNTIME_RECORDER_RECORDER_H_
