#include "demo_host.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "lua_protocol.h"
#include "wire.hpp"

namespace lua_demo {

namespace {

const auto g_start = std::chrono::steady_clock::now();
std::mutex g_mutex;
int g_growth_lines = 0;  // GUARDED_BY(g_mutex)

const char* level_name(int32_t level) {
  switch (level) {
    case TETHER_LOG_DEBUG:
      return "DEBUG";
    case TETHER_LOG_INFO:
      return "INFO";
    case TETHER_LOG_WARN:
      return "WARN";
    default:
      return "ERROR";
  }
}

}  // namespace

GrowthLog::GrowthLog() {
  tether_log_set_sink(&GrowthLog::sink, 0, TETHER_LOG_WARN);
}

GrowthLog::~GrowthLog() { tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN); }

void GrowthLog::sink(uint64_t /*self*/, int32_t level, const char* message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (std::strstr(message, "growth watch:") != nullptr) ++g_growth_lines;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start)
          .count();
  std::printf("[+%.3fs] %s: %s\n", seconds, level_name(level), message);
  std::fflush(stdout);
}

void GrowthLog::phase(const std::string& title) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_growth_lines = 0;
  std::printf("== %s\n", title.c_str());
  std::fflush(stdout);
}

int GrowthLog::growth_lines() const {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_growth_lines;
}

double GrowthLog::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       g_start)
      .count();
}

void fail(const std::string& what) {
  std::fprintf(stderr, "demo failed: %s\n", what.c_str());
  std::exit(1);
}

Host::Host(const char* path, uint32_t lanes) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = lanes;
  char* error = nullptr;
  open(tether_runtime_open_path(path, TETHER_LUA_ENTRY_SYMBOL, &config,
                                &runtime_, &error),
       error);
}

Host::Host(const tether_library* library, uint32_t lanes) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = lanes;
  char* error = nullptr;
  open(tether_runtime_open(library, &config, &runtime_, &error), error);
}

void Host::open(tether_status status, char* error) {
  if (status != TETHER_OK) {
    std::string why = error != nullptr ? error : tether_status_str(status);
    tether_buf_free(error);
    fail("open: " + why);
  }
  if (tether_cq_open(runtime_, &cq_) != TETHER_OK) fail("tether_cq_open");
}

Host::~Host() {
  tether_runtime_destroy(runtime_);
  tether_cq_destroy(cq_);
}

Reply Host::take(size_t* in_flight) {
  tether_completion completion;
  size_t count = 0;
  tether_status status = tether_cq_poll(cq_, &completion, sizeof completion, 1,
                                        UINT64_MAX, &count);
  if (status != TETHER_OK || count != 1) fail("tether_cq_poll");
  --*in_flight;
  Reply reply;
  reply.status = completion.status;
  reply.code = completion.library_code;
  if (completion.status == TETHER_OK) {
    reply.bytes.assign(static_cast<const char*>(completion.result),
                       completion.result_len);
  } else if (completion.error != nullptr) {
    reply.bytes.assign(completion.error, completion.error_len);
  }
  tether_buf_free(completion.result);
  tether_buf_free(completion.error);
  return reply;
}

Reply Host::call(uint32_t method, uint64_t key, const std::string& payload) {
  tether_call call;
  tether_call_init(&call);
  call.method = method;
  call.key = key;
  call.payload = payload.data();
  call.payload_len = payload.size();
  tether_status status = tether_submit_cq(runtime_, &call, cq_, 0, nullptr);
  if (status != TETHER_OK) {
    fail(std::string("submit: ") + tether_status_str(status));
  }
  size_t in_flight = 1;
  return take(&in_flight);
}

void Host::pipeline(uint32_t method, uint64_t key,
                    const std::vector<std::string>& payloads, size_t window) {
  size_t in_flight = 0;
  auto check = [](const Reply& reply) {
    if (reply.status != TETHER_OK) {
      fail(std::string("call: ") + tether_status_str(reply.status) + " " +
           reply.bytes);
    }
  };
  for (const std::string& payload : payloads) {
    if (in_flight == window) check(take(&in_flight));
    tether_call call;
    tether_call_init(&call);
    call.method = method;
    call.key = key;
    call.payload = payload.data();
    call.payload_len = payload.size();
    tether_status status = tether_submit_cq(runtime_, &call, cq_, 0, nullptr);
    if (status != TETHER_OK) {
      fail(std::string("submit: ") + tether_status_str(status));
    }
    ++in_flight;
  }
  while (in_flight > 0) check(take(&in_flight));
}

const std::vector<uint64_t>& Host::lane_keys() {
  const uint32_t lanes = tether_runtime_lanes(runtime_);
  if (lane_keys_.size() == lanes) return lane_keys_;
  std::vector<uint64_t> keys(lanes, TETHER_KEY_ANY);
  uint32_t found = 0;
  for (uint64_t key = 0; found < lanes; ++key) {
    Reply reply = call(TETHER_LUA_METHOD_INFO, key, "");
    if (reply.status != TETHER_OK) fail("INFO: " + reply.bytes);
    const auto lane = static_cast<uint32_t>(integers(reply.bytes).at(0));
    if (keys.at(lane) == TETHER_KEY_ANY) {
      keys[lane] = key;
      ++found;
    }
  }
  lane_keys_ = keys;
  return lane_keys_;
}

std::string load_payload(std::string_view name, std::string_view source) {
  tether_lua::Writer writer;
  writer.u64(0);
  writer.u32(static_cast<uint32_t>(name.size()));
  writer.bytes(name);
  writer.bytes(source);
  return writer.str();
}

namespace {

void function_header(tether_lua::Writer* writer, std::string_view function,
                     uint32_t arguments) {
  writer->u64(0);
  writer->u32(static_cast<uint32_t>(function.size()));
  writer->bytes(function);
  writer->u32(arguments);
}

}  // namespace

std::string call_payload(std::string_view function,
                         const std::vector<std::string>& string_arguments) {
  tether_lua::Writer writer;
  function_header(&writer, function,
                  static_cast<uint32_t>(string_arguments.size()));
  for (const std::string& argument : string_arguments) {
    writer.u8(TETHER_LUA_STRING);
    writer.u32(static_cast<uint32_t>(argument.size()));
    writer.bytes(argument);
  }
  return writer.str();
}

std::string call_payload_integer(std::string_view function, int64_t argument) {
  tether_lua::Writer writer;
  function_header(&writer, function, 1);
  writer.u8(TETHER_LUA_INTEGER);
  writer.u64(static_cast<uint64_t>(argument));
  return writer.str();
}

std::vector<int64_t> integers(const std::string& value_list) {
  tether_lua::Reader reader(value_list);
  uint32_t count = 0;
  if (!reader.u32(&count)) fail("a reply without a value list");
  std::vector<int64_t> values;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t tag = 0;
    uint64_t bits = 0;
    if (!reader.u8(&tag) || tag != TETHER_LUA_INTEGER || !reader.u64(&bits)) {
      fail("a reply that is not a list of integers");
    }
    values.push_back(static_cast<int64_t>(bits));
  }
  return values;
}

std::string read_file(const char* path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail(std::string("cannot read ") + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace lua_demo
