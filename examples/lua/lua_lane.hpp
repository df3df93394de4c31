// The library's state on one lane: its VM, and the handler that runs each
// request on it (methods in lua_protocol.h).
#ifndef TETHER_EXAMPLES_LUA_LUA_LANE_HPP
#define TETHER_EXAMPLES_LUA_LUA_LANE_HPP

#include "lane_vm.hpp"
#include "tether/library.hpp"

namespace tether_lua {

class LuaLane {
 public:
  explicit LuaLane(tether::Lane& lane) : vm_(lane) {}
  LuaLane(const LuaLane&) = delete;
  LuaLane& operator=(const LuaLane&) = delete;

  // Replies exactly once, then sets the VM's gauges.
  void handle(const tether::Request& request);
  LaneVm& vm() { return vm_; }

 private:
  void reply(const tether::Request& request, int32_t code,
             const std::string& message, const std::string& results);

  LaneVm vm_;
};

}  // namespace tether_lua

#endif  // TETHER_EXAMPLES_LUA_LUA_LANE_HPP
