// Running a LOAD or a CALL on a lane's VM: the script runs under a
// protected call with a traceback handler and the VM's instruction hook
// armed, and its results are encoded as a value list.
#ifndef TETHER_EXAMPLES_LUA_SCRIPT_HPP
#define TETHER_EXAMPLES_LUA_SCRIPT_HPP

#include <cstdint>
#include <string>

#include "lane_vm.hpp"
#include "wire.hpp"

namespace tether_lua {

// What a LOAD or CALL came to: code 0 and the encoded results, or a
// TETHER_LUA_ERR_* code and a message.
struct Outcome {
  int32_t code = 0;
  std::string message;
  Writer results;
};

// LOAD: `payload` after the method (u64 budget, name, source). Leaves the
// VM's stack as it found it. Throws std::bad_alloc.
Outcome run_load(LaneVm& vm, uint64_t request, Reader payload);

// CALL: `payload` (u64 budget, name function, value list). Leaves the VM's
// stack as it found it. Throws std::bad_alloc.
Outcome run_call(LaneVm& vm, uint64_t request, Reader payload);

}  // namespace tether_lua

#endif  // TETHER_EXAMPLES_LUA_SCRIPT_HPP
