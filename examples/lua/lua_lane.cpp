#include "lua_lane.hpp"

#include <new>

#include "lua_protocol.h"
#include "script.hpp"
#include "values.hpp"

namespace tether_lua {

void LuaLane::handle(const tether::Request& request) {
  vm_.on_own_thread("request");
  vm_.count_call();
  Reader payload(request.payload());
  Outcome outcome;
  try {
    switch (request.method()) {
      case TETHER_LUA_METHOD_LOAD:
        outcome = run_load(vm_, request.id(), payload);
        break;
      case TETHER_LUA_METHOD_CALL:
        outcome = run_call(vm_, request.id(), payload);
        break;
      case TETHER_LUA_METHOD_GC: {
        uint8_t what = 0;
        if (!payload.u8(&what) || !payload.at_end() ||
            (what != TETHER_LUA_GC_COUNT && what != TETHER_LUA_GC_COLLECT)) {
          outcome.code = TETHER_LUA_ERR_BAD_PAYLOAD;
          outcome.message = "bad payload: GC takes one byte, 0 or 1";
          break;
        }
        lua_State* state = vm_.state();
        if (what == TETHER_LUA_GC_COLLECT) lua_gc(state, LUA_GCCOLLECT);
        const int64_t bytes = int64_t{lua_gc(state, LUA_GCCOUNT)} * 1024 +
                              lua_gc(state, LUA_GCCOUNTB);
        lua_pushnil(state);  // lua_next pops it at the end
        int64_t registry = 0;
        while (lua_next(state, LUA_REGISTRYINDEX) != 0) {
          ++registry;
          lua_pop(state, 1);
        }
        encode_integers({bytes, int64_t{lua_gettop(state)}, registry},
                        &outcome.results);
        break;
      }
      case TETHER_LUA_METHOD_INFO:
        if (!payload.at_end()) {
          outcome.code = TETHER_LUA_ERR_BAD_PAYLOAD;
          outcome.message = "bad payload: INFO takes none";
          break;
        }
        encode_integers(
            {int64_t{vm_.lane().index()}, static_cast<int64_t>(vm_.calls()),
             static_cast<int64_t>(LaneVm::thread_violations()),
             static_cast<int64_t>(LaneVm::vms_created()),
             static_cast<int64_t>(LaneVm::vms_alive())},
            &outcome.results);
        break;
      default:
        outcome.code = TETHER_LUA_ERR_UNKNOWN_METHOD;
        outcome.message = "unknown method " + std::to_string(request.method());
    }
  } catch (const std::bad_alloc&) {
    vm_.lane().reply_error(request, TETHER_LUA_ERR_MEMORY,
                           "out of memory encoding the reply");
    vm_.report_gauges();
    return;
  }
  reply(request, outcome.code, outcome.message, outcome.results.str());
  vm_.report_gauges();
}

void LuaLane::reply(const tether::Request& request, int32_t code,
                    const std::string& message, const std::string& results) {
  if (code != 0) {
    vm_.lane().reply_error(request, code, message);
  } else {
    vm_.lane().reply(request, results);
  }
}

}  // namespace tether_lua
