#include "recorder/recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "base/status.h"
#include "log/log.h"
#include "recorder/line_writer.h"
#include "tether/call.h"

namespace tether::recorder {
namespace {

std::string crash_file_for(const std::string& dir, uint64_t runtime_id) {
  if (dir.empty()) return {};
  return dir + "/tether-capture-" + std::to_string(::getpid()) + "-" +
         std::to_string(runtime_id) + ".jsonl";
}

void write_header(LineWriter& out, const Settings& settings, uint32_t lanes,
                  const std::string& library, uint64_t runtime_id,
                  uint32_t entries, int crash_lane, int signal) {
  const bool on = entries != 0;
  out.text("{\"format\":\"tether-recording\",\"version\":1,\"library\":")
      .json_string(library.c_str())
      .text(",\"lanes\":")
      .number(lanes)
      .text(",\"entries\":")
      .number(entries)
      .text(",\"capture_bytes\":")
      .number(on ? settings.capture_bytes : 0)
      .text(",\"capture_max_payload\":")
      .number(settings.capture_max_payload)
      .text(",\"pid\":")
      .number(static_cast<uint64_t>(::getpid()))
      .text(",\"runtime\":")
      .number(runtime_id)
      .text(",\"reason\":");
  if (crash_lane < 0) {
    out.text("\"dump\"}\n");
    return;
  }
  out.text("\"crash\",\"crash_lane\":")
      .number(static_cast<uint64_t>(crash_lane))
      .text(",\"signal\":")
      .number(static_cast<uint64_t>(signal))
      .text("}\n");
}

void write_record(LineWriter& out, const LaneRing& ring, uint32_t lane,
                  const Record& record, bool with_payload) {
  out.text("{\"lane\":")
      .number(lane)
      .text(",\"seq\":")
      .number(record.seq)
      .text(",\"ticket\":")
      .number(record.ticket)
      .text(",\"method\":")
      .number(record.method)
      .text(",\"key\":")
      .number(record.key)
      .text(",\"len\":")
      .number(record.payload_len)
      .text(",\"digest\":\"")
      .hex64(record.digest)
      .text("\",\"thread\":")
      .number(record.thread)
      .text(",\"submit_ns\":")
      .number(record.submit_ns)
      .text(",\"wait_ns\":")
      .number(record.wait_ns)
      .text(",\"run_ns\":")
      .number(record.run_ns)
      .text(",\"outcome\":\"")
      .text(outcome_name(record.outcome))
      .text("\",\"status\":")
      .signed_number(record.status)
      .text(",\"code\":")
      .signed_number(record.code);
  if (with_payload && ring.payload_held(record)) {
    out.text(",\"payload\":\"");
    const bool intact = ring.read_payload(
        record, [&](const unsigned char* bytes, std::size_t count) {
          out.hex_bytes(bytes, count);
        });
    out.text("\"");
    // Overwritten while it was copied: the digest no longer matches, and
    // the flag says so before a reader finds out.
    if (!intact) out.text(",\"torn\":true");
  }
  out.text("}\n");
}

void write_recent_line(LineWriter& out, const Record& record) {
  out.text("tether:   seq ")
      .number(record.seq)
      .text(": method ")
      .number(record.method)
      .text(", key ");
  if (record.key == TETHER_KEY_ANY) {
    out.text("any");
  } else {
    out.number(record.key);
  }
  out.text(", ")
      .number(record.payload_len)
      .text(" bytes (digest ")
      .hex64(record.digest)
      .text("), ticket ")
      .number(record.ticket)
      .text(", from thread ")
      .number(record.thread)
      .text(", queued ")
      .number(record.wait_ns)
      .text(" ns");
  switch (record.outcome) {
    case Outcome::kRunning:
      out.text(": RUNNING (the call in flight)\n");
      return;
    case Outcome::kPending:
      out.text(", ran ").number(record.run_ns).text(" ns: no reply yet\n");
      return;
    case Outcome::kSkipped:
      out.text(": never ran, ").text(status_name(record.status)).text("\n");
      return;
    case Outcome::kDone:
      out.text(", ran ")
          .number(record.run_ns)
          .text(" ns: ")
          .text(status_name(record.status));
      if (record.status == TETHER_E_LIBRARY) {
        out.text(" code ").signed_number(record.code);
      }
      out.text("\n");
      return;
  }
}

}  // namespace

Settings with_environment(Settings settings) {
  if (const char* mode = std::getenv("TETHER_RECORDER")) {
    if (std::strcmp(mode, "off") == 0) {
      settings.entries = 0;
    } else if (std::strcmp(mode, "on") == 0 ||
               std::strcmp(mode, "capture") == 0) {
      if (settings.entries == 0) settings.entries = kEntriesWhenAsked;
      if (std::strcmp(mode, "capture") == 0 && settings.capture_bytes == 0) {
        settings.capture_bytes = kCaptureBytesWhenAsked;
      }
    } else {
      TETHER_LOG_WARNING(
          "TETHER_RECORDER=%s is not off, on or capture; ignored", mode);
    }
  }
  if (const char* dir = std::getenv("TETHER_CAPTURE_DIR")) {
    settings.capture_dir = dir;
  }
  if (settings.capture_max_payload > settings.capture_bytes &&
      settings.capture_bytes != 0) {
    settings.capture_max_payload =
        static_cast<uint32_t>(settings.capture_bytes);
  }
  return settings;
}

Recorder::Recorder(const Settings& settings, uint32_t lanes,
                   std::string library, uint64_t runtime_id)
    : settings_(settings),
      lanes_(lanes),
      library_(std::move(library)),
      runtime_id_(runtime_id),
      crash_file_(crash_file_for(settings.capture_dir, runtime_id)) {
  if (settings_.entries == 0) return;
  uint32_t entries = 1;
  while (entries < settings_.entries) entries <<= 1;
  rings_.reserve(lanes);
  for (uint32_t i = 0; i < lanes; ++i) {
    rings_.push_back(std::make_unique<LaneRing>(
        entries, settings_.capture_bytes, settings_.capture_max_payload));
  }
}

int Recorder::dump(int fd, bool with_payloads, int crash_lane,
                   int signal) const {
  LineWriter out(fd);
  write_header(out, settings_, lanes_, library_, runtime_id_,
               on() ? rings_[0]->entries() : 0, crash_lane, signal);
  for (uint32_t lane = 0; lane < rings_.size(); ++lane) {
    const LaneRing& ring = *rings_[lane];
    const uint64_t head = ring.head();
    const uint64_t oldest = head > ring.entries() ? head - ring.entries() : 0;
    for (uint64_t seq = oldest; seq < head; ++seq) {
      Record record;
      if (ring.read(seq, &record)) {
        write_record(out, ring, lane, record, with_payloads);
      }
    }
  }
  out.flush();
  return out.error();
}

void Recorder::print_recent(int fd, uint32_t lane, int count) const {
  if (lane >= rings_.size()) return;
  const LaneRing& ring = *rings_[lane];
  LineWriter out(fd);
  const uint64_t head = ring.head();
  const uint64_t wanted = static_cast<uint64_t>(count);
  uint64_t oldest = head > wanted ? head - wanted : 0;
  if (head - oldest > ring.entries()) oldest = head - ring.entries();
  out.text("tether: the last ")
      .number(head - oldest)
      .text(" calls lane ")
      .number(lane)
      .text(" took, oldest first:\n");
  for (uint64_t seq = oldest; seq < head; ++seq) {
    Record record;
    if (ring.read(seq, &record)) write_recent_line(out, record);
  }
  out.flush();
}

bool Recorder::write_crash_file(int crash_lane, int signal) const {
  if (crash_file_.empty()) return false;
  const int fd = ::open(crash_file_.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const int error = dump(fd, true, crash_lane, signal);
  ::close(fd);
  return error == 0;
}

}  // namespace tether::recorder
