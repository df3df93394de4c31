#include "lua_api_check.hpp"

#include <dlfcn.h>

#include "lua.hpp"

namespace tether_lua {

std::string foreign_lua_api() {
  Dl_info ident{};
  Dl_info api{};
  // The addresses as this object's relocations resolved them.
  if (dladdr(static_cast<const void*>(lua_ident), &ident) == 0 ||
      dladdr(reinterpret_cast<const void*>(&lua_newstate), &api) == 0) {
    return "";  // no symbol information to tell by: assume the plain case
  }
  if (ident.dli_fbase == api.dli_fbase) return "";
  const char* api_file = api.dli_fname != nullptr && api.dli_fname[0] != '\0'
                             ? api.dli_fname
                             : "the main program";
  return std::string("the Lua C API is bound to ") + api_file +
         ", not to Lua 5.4's " + ident.dli_fname +
         ": the host embeds another Lua (LuaJIT exports the Lua 5.1 API "
         "under the same names), so Lua 5.4 cannot be served in this "
         "process";
}

}  // namespace tether_lua
