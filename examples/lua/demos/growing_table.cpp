// The second incident, replayed on the Lua library: a script inserts into
// a table nobody clears (scripts/sessions_leak.lua). It marks the table
// with tether.watch, so the growth watch names the table's entries ("lua
// table 'sessions'") and the VM's memory ("lua memory KiB") at each
// power-of-two boundary, with the lane. The fixed script
// (scripts/sessions_fixed.lua) ends each session with its request: no
// growth-watch line.
#include <cstdio>
#include <string>
#include <vector>

#include "demo_host.hpp"
#include "lua_protocol.h"

namespace {

constexpr int kRequests = 70000;

// Returns the VM's bytes after the requests.
int64_t replay(const char* script) {
  lua_demo::Host host(TETHER_LUA_MODULE, 1);
  const uint64_t key = 7;
  lua_demo::Reply loaded =
      host.call(TETHER_LUA_METHOD_LOAD, key,
                lua_demo::load_payload(script, lua_demo::read_file(script)));
  if (loaded.status != TETHER_OK) lua_demo::fail("LOAD: " + loaded.bytes);
  std::vector<std::string> payloads;
  payloads.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    payloads.push_back(lua_demo::call_payload_integer("handle_request", i));
  }
  host.pipeline(TETHER_LUA_METHOD_CALL, key, payloads, 64);
  lua_demo::Reply gc = host.call(TETHER_LUA_METHOD_GC, key,
                                 std::string(1, TETHER_LUA_GC_COLLECT));
  if (gc.status != TETHER_OK) lua_demo::fail("GC: " + gc.bytes);
  return lua_demo::integers(gc.bytes).at(0);
}

}  // namespace

int main() {
  lua_demo::GrowthLog log;
  log.phase("before: every request adds a session nobody removes");
  const int64_t leaky_bytes = replay(TETHER_LUA_SCRIPTS "/sessions_leak.lua");
  const int leaky_lines = log.growth_lines();
  std::printf("before: %d requests, VM holds %lld KiB, %d growth-watch lines\n",
              kRequests, static_cast<long long>(leaky_bytes / 1024),
              leaky_lines);

  log.phase("after: each session ends with its request");
  const int64_t fixed_bytes = replay(TETHER_LUA_SCRIPTS "/sessions_fixed.lua");
  const int fixed_lines = log.growth_lines();
  std::printf("after: %d requests, VM holds %lld KiB, %d growth-watch lines\n",
              kRequests, static_cast<long long>(fixed_bytes / 1024),
              fixed_lines);
  if (leaky_lines < 2 || fixed_lines != 0 || fixed_bytes >= leaky_bytes) {
    lua_demo::fail("the demo did not show what it promises");
  }
  std::printf(
      "ok: the table nobody clears was named at its boundaries; the fixed one "
      "stayed silent\n");
  return 0;
}
