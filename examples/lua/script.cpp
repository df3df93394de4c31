#include "script.hpp"

#include "lua_protocol.h"
#include "values.hpp"

namespace tether_lua {

namespace {

// The message handler: the error's message and a traceback.
int traceback(lua_State* state) {
  const char* message = lua_tostring(state, 1);
  if (message == nullptr) {
    message = lua_pushfstring(state, "(error object is a %s value)",
                              luaL_typename(state, 1));
  }
  luaL_traceback(state, state, message, 1);
  return 1;
}

// Read by call_body, which runs inside the protected call: it must not
// own anything with a destructor (a Lua error unwinds it with longjmp).
struct CallContext {
  Reader* arguments;
  const char* function;  // NUL-terminated
  // Set before the body raises an error of its own (not the script's).
  int32_t code = 0;
  const char* why = nullptr;
};

int call_body(lua_State* state) {
  auto* context = static_cast<CallContext*>(lua_touserdata(state, 1));
  if (lua_getglobal(state, context->function) != LUA_TFUNCTION) {
    context->code = TETHER_LUA_ERR_NO_FUNCTION;
    return luaL_error(state, "no global function '%s'", context->function);
  }
  const int count = push_value_list(state, context->arguments, &context->why);
  if (count < 0 || !context->arguments->at_end()) {
    context->code = TETHER_LUA_ERR_BAD_PAYLOAD;
    if (count >= 0) context->why = "bytes left over after the arguments";
    return luaL_error(state, "bad payload: %s", context->why);
  }
  lua_call(state, count, LUA_MULTRET);
  return lua_gettop(state) - 1;
}

int32_t error_code(const LaneVm& vm, int status) {
  if (status == LUA_ERRMEM) return TETHER_LUA_ERR_MEMORY;
  switch (vm.stop()) {
    case Stop::kBudget:
      return TETHER_LUA_ERR_BUDGET;
    case Stop::kCancelled:
      return TETHER_LUA_ERR_CANCELLED;
    case Stop::kNone:
      break;
  }
  return TETHER_LUA_ERR_RUNTIME;
}

// The function to run is at the top of the stack, its `arguments` above
// it, the handler below it at base + 1. Runs it with the hook armed and
// fills `outcome` from what it left; then restores the stack to `base`.
void run_armed(LaneVm& vm, uint64_t request, uint64_t budget, int base,
               int arguments, const CallContext* context, Outcome* outcome) {
  lua_State* state = vm.state();
  vm.arm(request, budget);
  const int status = lua_pcall(state, arguments, LUA_MULTRET, base + 1);
  vm.disarm();
  if (status == LUA_OK) {
    if (!encode_value_list(state, base + 2, lua_gettop(state),
                           &outcome->results, &outcome->message)) {
      outcome->code = TETHER_LUA_ERR_BAD_RESULT;
    }
  } else if (context != nullptr && context->code != 0) {
    outcome->code = context->code;
    outcome->message = lua_tostring(state, -1);
  } else {
    outcome->code = error_code(vm, status);
    const char* message = lua_tostring(state, -1);
    outcome->message = message != nullptr ? message : "(no message)";
  }
  lua_settop(state, base);
}

Outcome refuse(const char* why) {
  Outcome outcome;
  outcome.code = TETHER_LUA_ERR_BAD_PAYLOAD;
  outcome.message = std::string("bad payload: ") + why;
  return outcome;
}

}  // namespace

Outcome run_load(LaneVm& vm, uint64_t request, Reader payload) {
  uint64_t budget = 0;
  std::string_view name;
  if (!payload.u64(&budget) || !payload.name(&name)) {
    return refuse("LOAD needs a u64 budget and a chunk name");
  }
  const std::string_view source = payload.take_rest();
  // '=': Lua shows the name as given in messages and tracebacks.
  const std::string chunkname = "=" + std::string(name);
  lua_State* state = vm.state();
  Outcome outcome;
  if (lua_checkstack(state, 3) == 0) {
    outcome.code = TETHER_LUA_ERR_MEMORY;
    outcome.message = "no Lua stack space for the chunk";
    return outcome;
  }
  const int base = lua_gettop(state);
  lua_pushcfunction(state, &traceback);
  const int status = luaL_loadbufferx(state, source.data(), source.size(),
                                      chunkname.c_str(), "t");
  if (status != LUA_OK) {
    outcome.code =
        status == LUA_ERRMEM ? TETHER_LUA_ERR_MEMORY : TETHER_LUA_ERR_SYNTAX;
    const char* message = lua_tostring(state, -1);
    outcome.message = message != nullptr ? message : "(no message)";
    lua_settop(state, base);
    return outcome;
  }
  run_armed(vm, request, budget, base, 0, nullptr, &outcome);
  return outcome;
}

Outcome run_call(LaneVm& vm, uint64_t request, Reader payload) {
  uint64_t budget = 0;
  std::string_view name;
  if (!payload.u64(&budget) || !payload.name(&name)) {
    return refuse("CALL needs a u64 budget and a function name");
  }
  if (name.find('\0') != std::string_view::npos) {
    return refuse("a function name with a NUL byte");
  }
  const std::string function(name);
  lua_State* state = vm.state();
  Outcome outcome;
  if (lua_checkstack(state, 3) == 0) {
    outcome.code = TETHER_LUA_ERR_MEMORY;
    outcome.message = "no Lua stack space for the call";
    return outcome;
  }
  CallContext context{&payload, function.c_str()};
  const int base = lua_gettop(state);
  lua_pushcfunction(state, &traceback);
  lua_pushcfunction(state, &call_body);
  lua_pushlightuserdata(state, &context);
  run_armed(vm, request, budget, base, 1, &context, &outcome);
  return outcome;
}

}  // namespace tether_lua
