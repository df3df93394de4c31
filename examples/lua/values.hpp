// The value half of the wire format (lua_protocol.h): value lists pushed
// onto a Lua stack from a payload, and stack slots encoded into a reply.
#ifndef TETHER_EXAMPLES_LUA_VALUES_HPP
#define TETHER_EXAMPLES_LUA_VALUES_HPP

#include <string>

#include "lua.hpp"
#include "wire.hpp"

namespace tether_lua {

// Reads a value list and pushes its values. Returns the count pushed, or
// -1 for a malformed list (then it pushes nothing and `*why` says what).
// REQUIRES: inside a protected call (pushing may raise a memory error).
int push_value_list(lua_State* state, Reader* reader, const char** why);

// Appends slots first..last of the stack as a value list. Returns false
// (and `*why` says what) for a value the format cannot carry; raises
// nothing and pushes nothing net. Throws std::bad_alloc.
bool encode_value_list(lua_State* state, int first, int last, Writer* writer,
                       std::string* why);

// Appends a value list of plain integers (the replies of GC and INFO).
// Throws std::bad_alloc.
void encode_integers(std::initializer_list<int64_t> values, Writer* writer);

}  // namespace tether_lua

#endif  // TETHER_EXAMPLES_LUA_VALUES_HPP
