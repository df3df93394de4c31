#include "values.hpp"

#include <cstring>

#include "lua_protocol.h"

namespace tether_lua {

namespace {

// Pushes one value; `scalar_only` refuses tables. Returns false with `*why`
// set, having pushed nothing.
bool push_value(lua_State* state, Reader* reader, bool scalar_only,
                const char** why) {
  uint8_t tag = 0;
  if (!reader->u8(&tag)) {
    *why = "a value list runs past the end of the payload";
    return false;
  }
  switch (tag) {
    case TETHER_LUA_NIL:
      lua_pushnil(state);
      return true;
    case TETHER_LUA_FALSE:
    case TETHER_LUA_TRUE:
      lua_pushboolean(state, tag == TETHER_LUA_TRUE);
      return true;
    case TETHER_LUA_INTEGER: {
      uint64_t bits = 0;
      if (!reader->u64(&bits)) break;
      lua_pushinteger(state, static_cast<lua_Integer>(bits));
      return true;
    }
    case TETHER_LUA_NUMBER: {
      uint64_t bits = 0;
      if (!reader->u64(&bits)) break;
      double number = 0;
      std::memcpy(&number, &bits, sizeof number);
      lua_pushnumber(state, number);
      return true;
    }
    case TETHER_LUA_STRING: {
      std::string_view bytes;
      if (!reader->name(&bytes)) break;
      lua_pushlstring(state, bytes.data(), bytes.size());
      return true;
    }
    case TETHER_LUA_TABLE: {
      if (scalar_only) {
        *why = "a table inside a table (tables are flat)";
        return false;
      }
      uint32_t pairs = 0;
      if (!reader->u32(&pairs)) break;
      lua_createtable(state, 0, 0);
      for (uint32_t i = 0; i < pairs; ++i) {
        if (!push_value(state, reader, true, why)) {
          lua_pop(state, 1);
          return false;
        }
        if (lua_isnil(state, -1)) {
          lua_pop(state, 2);
          *why = "a table key is nil";
          return false;
        }
        if (!push_value(state, reader, true, why)) {
          lua_pop(state, 2);
          return false;
        }
        if (lua_type(state, -2) == LUA_TNUMBER &&
            lua_tonumber(state, -2) != lua_tonumber(state, -2)) {
          lua_pop(state, 3);
          *why = "a table key is NaN";
          return false;
        }
        lua_rawset(state, -3);
      }
      return true;
    }
    default:
      *why = "unknown value tag";
      return false;
  }
  *why = "a value runs past the end of the payload";
  return false;
}

bool encode_value(lua_State* state, int index, bool scalar_only, Writer* writer,
                  std::string* why) {
  switch (lua_type(state, index)) {
    case LUA_TNIL:
      writer->u8(TETHER_LUA_NIL);
      return true;
    case LUA_TBOOLEAN:
      writer->u8(lua_toboolean(state, index) ? TETHER_LUA_TRUE
                                             : TETHER_LUA_FALSE);
      return true;
    case LUA_TNUMBER:
      if (lua_isinteger(state, index)) {
        writer->u8(TETHER_LUA_INTEGER);
        writer->u64(static_cast<uint64_t>(lua_tointeger(state, index)));
      } else {
        const double number = lua_tonumber(state, index);
        uint64_t bits = 0;
        std::memcpy(&bits, &number, sizeof bits);
        writer->u8(TETHER_LUA_NUMBER);
        writer->u64(bits);
      }
      return true;
    case LUA_TSTRING: {
      size_t length = 0;
      const char* bytes = lua_tolstring(state, index, &length);
      if (length > UINT32_MAX) {
        *why = "a string result longer than 4 GiB";
        return false;
      }
      writer->u8(TETHER_LUA_STRING);
      writer->u32(static_cast<uint32_t>(length));
      writer->bytes(std::string_view(bytes, length));
      return true;
    }
    case LUA_TTABLE: {
      if (scalar_only) {
        *why = "a table inside a table result (tables are flat)";
        return false;
      }
      if (lua_checkstack(state, 3) == 0) {
        *why = "no stack space to walk a table result";
        return false;
      }
      const int table = lua_absindex(state, index);
      writer->u8(TETHER_LUA_TABLE);
      const std::size_t count_at = writer->size();
      writer->u32(0);
      uint32_t pairs = 0;
      lua_pushnil(state);
      while (lua_next(state, table) != 0) {
        if (!encode_value(state, -2, true, writer, why) ||
            !encode_value(state, -1, true, writer, why)) {
          lua_pop(state, 2);
          return false;
        }
        ++pairs;
        lua_pop(state, 1);
      }
      writer->patch_u32(count_at, pairs);
      return true;
    }
    default:
      *why = std::string("a ") + luaL_typename(state, index) +
             " result (the wire format carries nil, booleans, numbers, "
             "strings and flat tables)";
      return false;
  }
}

}  // namespace

int push_value_list(lua_State* state, Reader* reader, const char** why) {
  uint32_t count = 0;
  if (!reader->u32(&count)) {
    *why = "a value list's count runs past the end of the payload";
    return -1;
  }
  // Each value takes at least its tag byte, so a count the payload cannot
  // hold is refused before asking for stack space.
  if (count > reader->remaining() ||
      lua_checkstack(state, static_cast<int>(count) + 2) == 0) {
    *why = "a value list longer than the Lua stack allows";
    return -1;
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!push_value(state, reader, false, why)) {
      lua_pop(state, static_cast<int>(i));
      return -1;
    }
  }
  return static_cast<int>(count);
}

bool encode_value_list(lua_State* state, int first, int last, Writer* writer,
                       std::string* why) {
  writer->u32(static_cast<uint32_t>(last >= first ? last - first + 1 : 0));
  for (int index = first; index <= last; ++index) {
    if (!encode_value(state, index, false, writer, why)) return false;
  }
  return true;
}

void encode_integers(std::initializer_list<int64_t> values, Writer* writer) {
  writer->u32(static_cast<uint32_t>(values.size()));
  for (int64_t value : values) {
    writer->u8(TETHER_LUA_INTEGER);
    writer->u64(static_cast<uint64_t>(value));
  }
}

}  // namespace tether_lua
