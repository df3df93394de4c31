// The library's entry point: the one symbol this module exports.
#include "lua_lane.hpp"
#include "lua_protocol.h"
#include "tether/library.hpp"

extern "C" __attribute__((visibility("default"))) const tether_library*
tether_lua_library(void) {
  return tether::library_table<tether_lua::LuaLane>("lua");
}
