#include "recording_text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "field_values.h"
#include "recorder/payload_digest.h"

namespace tether::replay::testing {
namespace {

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (unsigned char byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0xF]);
  }
  return text;
}

}  // namespace

std::string header_line(uint32_t lanes, uint64_t version) {
  return "{\"format\":\"tether-recording\",\"version\":" +
         std::to_string(version) +
         ",\"library\":\"replay-test\",\"lanes\":" + std::to_string(lanes) +
         ",\"entries\":256,\"capture_bytes\":1048576,"
         "\"capture_max_payload\":4096,\"pid\":1234,\"runtime\":7,"
         "\"reason\":\"dump\"}\n";
}

std::string record_line(const RecordLine& record) {
  const std::string digest =
      !record.digest.empty()
          ? record.digest
          : digest_text(tether::recorder::digest_payload(
                record.payload.data(), record.payload.size()));
  const uint64_t len = record.len >= 0 ? static_cast<uint64_t>(record.len)
                                       : record.payload.size();
  std::string line =
      "{\"lane\":" + std::to_string(record.lane) +
      ",\"seq\":" + std::to_string(record.seq) +
      ",\"ticket\":" + std::to_string(record.ticket) +
      ",\"method\":" + std::to_string(record.method) +
      ",\"key\":" + std::to_string(record.key) +
      ",\"len\":" + std::to_string(len) + ",\"digest\":\"" + digest +
      "\",\"thread\":4242,\"submit_ns\":" + std::to_string(record.submit_ns) +
      ",\"wait_ns\":" + std::to_string(record.wait_ns) +
      ",\"run_ns\":" + std::to_string(record.run_ns) + ",\"outcome\":\"" +
      record.outcome + "\",\"status\":" + std::to_string(record.status) +
      ",\"code\":" + std::to_string(record.code);
  if (record.captured && !record.payload.empty()) {
    line += ",\"payload\":\"" + hex(record.payload) + "\"";
  }
  return line + "}\n";
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "tether-replay-" +
                           std::to_string(::getpid()) + "-" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  EXPECT_TRUE(out.good()) << "cannot write " << path;
  return path;
}

}  // namespace tether::replay::testing
