// The first incident, replayed: a service called a Lua function for each
// request, read the result off the top of the VM's stack, and never popped
// it. Each call left one more slot behind; after five days the VM failed.
//
// Before: "lua-stack-leak", a library whose CALL handler is written the way
// that service's code was (below). Every other method, and the VM itself,
// are the Lua library's own, so its gauges are set after every call:
// tether's growth watch names "lua stack top" at 4096 within seconds, then
// at 8192.
// After: the Lua library, whose CALL restores the stack; same script, same
// calls, no growth-watch line.
#include <cstdio>
#include <string>
#include <vector>

#include "demo_host.hpp"
#include "lua_lane.hpp"
#include "lua_protocol.h"
#include "tether/library.hpp"
#include "wire.hpp"

namespace {

constexpr int kCalls = 10000;

class LeakyLane {
 public:
  explicit LeakyLane(tether::Lane& lane) : lua_(lane) {}

  void handle(const tether::Request& request) {
    if (request.method() != TETHER_LUA_METHOD_CALL) {
      lua_.handle(request);
      return;
    }
    tether_lua::LaneVm& vm = lua_.vm();
    lua_State* state = vm.state();
    tether_lua::Reader payload(request.payload());
    uint64_t budget = 0;
    std::string_view function;
    std::string_view argument;
    uint32_t count = 0;
    uint8_t tag = 0;
    if (!payload.u64(&budget) || !payload.name(&function) ||
        !payload.u32(&count) || count != 1 || !payload.u8(&tag) ||
        tag != TETHER_LUA_STRING || !payload.name(&argument)) {
      vm.lane().reply_error(request, TETHER_LUA_ERR_BAD_PAYLOAD,
                            "lookup takes one string");
      return;
    }
    // The incident's code: check for room, push the function and its
    // argument, call, read the answer off the top ...
    luaL_checkstack(state, 2, "lookup");
    lua_getglobal(state, std::string(function).c_str());
    lua_pushlstring(state, argument.data(), argument.size());
    if (lua_pcall(state, 1, 1, 0) != LUA_OK) {
      vm.lane().reply_error(request, TETHER_LUA_ERR_RUNTIME,
                            lua_tostring(state, -1));
      lua_pop(state, 1);
      return;
    }
    size_t length = 0;
    const char* answer = lua_tolstring(state, -1, &length);
    vm.lane().reply(request, std::string_view(answer, length));
    // ... and return, leaving it there. The fix is one line:
    // lua_pop(state, 1);
    vm.report_gauges();
  }

 private:
  tether_lua::LuaLane lua_;
};

// Runs the same calls against `host`; returns the stack top it ends with.
int64_t replay(lua_demo::Host& host) {
  const uint64_t key = 1;
  lua_demo::Reply loaded = host.call(
      TETHER_LUA_METHOD_LOAD, key,
      lua_demo::load_payload(
          "lookup.lua", lua_demo::read_file(TETHER_LUA_SCRIPTS "/lookup.lua")));
  if (loaded.status != TETHER_OK) lua_demo::fail("LOAD: " + loaded.bytes);
  std::vector<std::string> payloads;
  payloads.reserve(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    payloads.push_back(lua_demo::call_payload("lookup", {std::to_string(i)}));
  }
  host.pipeline(TETHER_LUA_METHOD_CALL, key, payloads, 64);
  lua_demo::Reply gc =
      host.call(TETHER_LUA_METHOD_GC, key, std::string(1, TETHER_LUA_GC_COUNT));
  if (gc.status != TETHER_OK) lua_demo::fail("GC: " + gc.bytes);
  return lua_demo::integers(gc.bytes).at(1);
}

}  // namespace

int main() {
  lua_demo::GrowthLog log;
  log.phase("before: the handler leaves each result on the Lua stack");
  int64_t leaky_top = 0;
  {
    lua_demo::Host host(tether::library_table<LeakyLane>("lua-stack-leak"), 1);
    leaky_top = replay(host);
  }
  const int leaky_lines = log.growth_lines();
  std::printf("before: %d calls, stack top %lld, %d growth-watch lines\n",
              kCalls, static_cast<long long>(leaky_top), leaky_lines);

  log.phase("after: the Lua library's CALL restores the stack");
  int64_t fixed_top = 0;
  {
    lua_demo::Host host(TETHER_LUA_MODULE, 1);
    fixed_top = replay(host);
  }
  const int fixed_lines = log.growth_lines();
  std::printf("after: %d calls, stack top %lld, %d growth-watch lines\n",
              kCalls, static_cast<long long>(fixed_top), fixed_lines);
  if (leaky_top < kCalls || leaky_lines < 2 || fixed_top != 0 ||
      fixed_lines != 0) {
    lua_demo::fail("the demo did not show what it promises");
  }
  std::printf(
      "ok: the leaked stack was named at 4096 and 8192; the fixed one stayed "
      "silent\n");
  return 0;
}
