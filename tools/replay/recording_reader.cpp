// read_recording: the header line, then one record per line, each checked
// against the format before anything is replayed.
#include <limits>

#include "field_values.h"
#include "json_line.h"
#include "recorder/payload_digest.h"
#include "recording.h"

namespace tether::replay {
namespace {

constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();
constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
// tether_runtime_config.lanes: 1 to 256.
constexpr uint64_t kMaxLanes = 256;

bool read_header(const JsonObject& object, RecordingHeader* header,
                 std::string* error) {
  std::string format;
  if (!string_field(object, "format", &format, error)) return false;
  if (format != "tether-recording") {
    *error = "not a tether recording (format \"" + format + "\")";
    return false;
  }
  if (!unsigned_field(object, "version", kU64, &header->version, error)) {
    return false;
  }
  if (header->version != kRecordingVersion) {
    *error = "unknown version " + std::to_string(header->version) +
             " (this reader knows version " +
             std::to_string(kRecordingVersion) + ")";
    return false;
  }
  uint64_t lanes = 0;
  if (!unsigned_field(object, "lanes", kMaxLanes, &lanes, error)) return false;
  if (lanes == 0) {
    *error = "field \"lanes\": a runtime has at least one lane";
    return false;
  }
  header->lanes = static_cast<uint32_t>(lanes);
  if (object.find("library") != nullptr &&
      !string_field(object, "library", &header->library, error)) {
    return false;
  }
  if (object.find("reason") != nullptr &&
      !string_field(object, "reason", &header->reason, error)) {
    return false;
  }
  if (object.find("crash_lane") != nullptr ||
      object.find("signal") != nullptr) {
    uint64_t crash_lane = 0;
    uint64_t signal = 0;
    if (!unsigned_field(object, "crash_lane", lanes - 1, &crash_lane, error) ||
        !unsigned_field(object, "signal", kU32, &signal, error)) {
      return false;
    }
    header->crashed = true;
    header->crash_lane = static_cast<uint32_t>(crash_lane);
    header->signal = static_cast<uint32_t>(signal);
  }
  return true;
}

bool read_outcome(const JsonObject& object, Outcome* outcome,
                  std::string* error) {
  std::string text;
  if (!string_field(object, "outcome", &text, error)) return false;
  if (text == "done") {
    *outcome = Outcome::kDone;
  } else if (text == "running") {
    *outcome = Outcome::kRunning;
  } else if (text == "pending") {
    *outcome = Outcome::kPending;
  } else if (text == "skipped") {
    *outcome = Outcome::kSkipped;
  } else {
    *error = "field \"outcome\": unknown outcome \"" + text + "\"";
    return false;
  }
  return true;
}

// The payload, when captured, must be the record's: its length and digest.
// A record with len 0 has its (empty) payload by definition. A torn payload
// (the lane overwrote it during a dump) is no payload: not captured.
bool read_payload(const JsonObject& object, Record* record,
                  std::string* error) {
  bool torn = false;
  if (const JsonField* field = object.find("torn")) {
    torn = field->kind == JsonKind::kOther && field->value == "true";
    if (!torn && (field->kind != JsonKind::kOther || field->value != "false")) {
      *error = "field \"torn\": expected true or false";
      return false;
    }
  }
  if (torn) {
    // Overwritten while it was written out: the bytes are not the call's.
    record->has_payload = false;
    return true;
  }
  if (object.find("payload") != nullptr) {
    if (!hex_bytes_field(object, "payload", &record->payload, error)) {
      return false;
    }
    if (record->payload.size() != record->len) {
      *error = "field \"payload\": " + std::to_string(record->payload.size()) +
               " bytes, but \"len\" is " + std::to_string(record->len);
      return false;
    }
    record->has_payload = true;
  } else {
    record->has_payload = record->len == 0;
  }
  if (!record->has_payload) return true;
  const uint64_t computed = tether::recorder::digest_payload(
      record->payload.data(), record->payload.size());
  if (computed != record->digest) {
    *error = "payload does not match its digest (recorded " +
             digest_text(record->digest) + ", computed " +
             digest_text(computed) + ")";
    return false;
  }
  return true;
}

bool read_record(const JsonObject& object, const RecordingHeader& header,
                 Record* record, std::string* error) {
  uint64_t lane = 0, method = 0, wait_ns = 0, run_ns = 0;
  int64_t status = 0, code = 0;
  if (!unsigned_field(object, "lane", kU32, &lane, error) ||
      !unsigned_field(object, "seq", kU64, &record->seq, error) ||
      !unsigned_field(object, "ticket", kU64, &record->ticket, error) ||
      !unsigned_field(object, "method", kU32, &method, error) ||
      !unsigned_field(object, "key", kU64, &record->key, error) ||
      !unsigned_field(object, "len", kU64, &record->len, error) ||
      !digest_field(object, "digest", &record->digest, error) ||
      !unsigned_field(object, "thread", kU64, &record->thread, error) ||
      !unsigned_field(object, "submit_ns", kU64, &record->submit_ns, error) ||
      !unsigned_field(object, "wait_ns", kU32, &wait_ns, error) ||
      !unsigned_field(object, "run_ns", kU32, &run_ns, error) ||
      !read_outcome(object, &record->outcome, error) ||
      !signed_field(object, "status", kI32Min, kI32Max, &status, error) ||
      !signed_field(object, "code", kI32Min, kI32Max, &code, error)) {
    return false;
  }
  if (lane >= header.lanes) {
    *error = "lane " + std::to_string(lane) + " of a recording with " +
             std::to_string(header.lanes) + " lanes";
    return false;
  }
  record->lane = static_cast<uint32_t>(lane);
  record->method = static_cast<uint32_t>(method);
  record->wait_ns = static_cast<uint32_t>(wait_ns);
  record->run_ns = static_cast<uint32_t>(run_ns);
  record->status = static_cast<int32_t>(status);
  record->code = static_cast<int32_t>(code);
  return read_payload(object, record, error);
}

// By lane, then by seq ascending, each (lane, seq) once.
bool in_order(const Record& previous, const Record& next, std::string* error) {
  if (next.lane > previous.lane ||
      (next.lane == previous.lane && next.seq > previous.seq)) {
    return true;
  }
  *error = "record lane " + std::to_string(next.lane) + " seq " +
           std::to_string(next.seq) + " after lane " +
           std::to_string(previous.lane) + " seq " +
           std::to_string(previous.seq) +
           " (records go by lane, then by seq ascending)";
  return false;
}

bool fail_at(uint64_t line, const std::string& message, std::string* error) {
  *error = "line " + std::to_string(line) + ": " + message;
  return false;
}

}  // namespace

bool read_recording(std::istream& in, Recording* recording,
                    std::string* error) {
  *recording = Recording{};
  std::string text;
  std::string problem;
  JsonObject object;
  uint64_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (!parse_json_object(text, &object, &problem)) {
      return fail_at(line, problem, error);
    }
    if (line == 1) {
      if (!read_header(object, &recording->header, &problem)) {
        return fail_at(line, problem, error);
      }
      continue;
    }
    Record record;
    record.line = line;
    if (!read_record(object, recording->header, &record, &problem)) {
      return fail_at(line, problem, error);
    }
    if (!recording->records.empty() &&
        !in_order(recording->records.back(), record, &problem)) {
      return fail_at(line, problem, error);
    }
    recording->records.push_back(std::move(record));
  }
  if (in.bad()) {
    *error = "read error after line " + std::to_string(line);
    return false;
  }
  if (line == 0) {
    *error = "empty file: no header line";
    return false;
  }
  return true;
}

}  // namespace tether::replay
