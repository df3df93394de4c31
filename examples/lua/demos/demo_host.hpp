// What the three demos share: a log sink that prints each tether line with
// the time since the demo started and counts growth-watch lines per phase,
// and a blocking host over a completion queue speaking the library's wire
// format (lua_protocol.h).
#ifndef TETHER_EXAMPLES_LUA_DEMOS_DEMO_HOST_HPP
#define TETHER_EXAMPLES_LUA_DEMOS_DEMO_HOST_HPP

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tether/tether.h"

namespace lua_demo {

// Prints tether's log lines as "[+1.234s] LEVEL: message". Process-wide;
// one at a time. Thread-safe: lines arrive from lanes.
class GrowthLog {
 public:
  GrowthLog();
  ~GrowthLog();
  GrowthLog(const GrowthLog&) = delete;
  GrowthLog& operator=(const GrowthLog&) = delete;

  // Starts a phase: prints its title; counting starts from 0.
  void phase(const std::string& title);
  // Growth-watch lines in this phase so far.
  int growth_lines() const;
  // Seconds since the demo started.
  double elapsed() const;

 private:
  static void sink(uint64_t self, int32_t level, const char* message);
};

struct Reply {
  tether_status status = TETHER_OK;
  int32_t code = 0;
  std::string bytes;  // the result, or the error message
};

// A runtime of the Lua library (or a library table in the process) and
// one completion queue. Calls block until their completion arrives.
class Host {
 public:
  Host(const char* path, uint32_t lanes);
  Host(const tether_library* library, uint32_t lanes);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  Reply call(uint32_t method, uint64_t key, const std::string& payload);
  // Submits every payload (as `method`, with `key`) keeping up to `window`
  // in flight; exits on the first call that does not succeed.
  void pipeline(uint32_t method, uint64_t key,
                const std::vector<std::string>& payloads, size_t window);
  // One key per lane (found by asking INFO which lane a key reaches).
  const std::vector<uint64_t>& lane_keys();
  tether_runtime* runtime() const { return runtime_; }

 private:
  void open(tether_status status, char* error);
  Reply take(size_t* in_flight);

  tether_runtime* runtime_ = nullptr;
  tether_cq* cq_ = nullptr;
  std::vector<uint64_t> lane_keys_;
};

// Payload builders.
std::string load_payload(std::string_view name, std::string_view source);
std::string call_payload(std::string_view function,
                         const std::vector<std::string>& string_arguments);
std::string call_payload_integer(std::string_view function, int64_t argument);
// The integers of a value list made of integers (GC, INFO, a function
// returning integers); exits if it holds anything else.
std::vector<int64_t> integers(const std::string& value_list);
std::string read_file(const char* path);
// Prints what failed and exits 1.
[[noreturn]] void fail(const std::string& what);

}  // namespace lua_demo

#endif  // TETHER_EXAMPLES_LUA_DEMOS_DEMO_HOST_HPP
