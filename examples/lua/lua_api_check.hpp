// Whether the Lua C API this code calls is really Lua 5.4's. A host that
// embeds another Lua exports its C API under the same names (LuaJIT's
// executable exports the Lua 5.1 API), and the dynamic loader binds a
// module's lua_* calls to the host's copy, which would crash at the first
// call. lua_ident, which only Lua 5.2 and later define, anchors the check:
// lua_newstate must live in the same object as it.
#ifndef TETHER_EXAMPLES_LUA_LUA_API_CHECK_HPP
#define TETHER_EXAMPLES_LUA_LUA_API_CHECK_HPP

#include <string>

namespace tether_lua {

// "" when lua_newstate is Lua 5.4's own; else which object it is bound to
// instead. Thread-safe (takes the dynamic loader's lock).
std::string foreign_lua_api();

}  // namespace tether_lua

#endif  // TETHER_EXAMPLES_LUA_LUA_API_CHECK_HPP
