-- The FFI declarations against the C compiler's view of the installed
-- headers (abi_check.c's output, named by TETHER_ABI).
local ffi = require("ffi")
local tether = require("tether")
local s = require("support")

local function c_view()
  local path = os.getenv("TETHER_ABI")
  assert(path and path ~= "", "set TETHER_ABI to abi_check's output")
  return assert(dofile(path))
end

local T = {}

function T.struct_sizes_and_offsets_match_the_headers()
  local checked = 0
  for name, value in pairs(c_view()) do
    local struct = name:match("^sizeof (.*)$")
    if struct then
      s.eq(ffi.sizeof(struct), value, name)
      checked = checked + 1
    else
      local type_name, field = name:match("^([%w_]+)%.([%w_]+)$")
      if type_name then
        s.eq(ffi.offsetof(type_name, field), value, name)
        checked = checked + 1
      end
    end
  end
  assert(checked > 40, "only " .. checked .. " sizes and offsets checked")
end

function T.constants_match_the_headers()
  local checked = 0
  for name, value in pairs(c_view()) do
    if not name:find("[ %.]") and name ~= "KEY_ANY"
        and name ~= "COMPLETION_MIN_SIZE" then
      s.eq(tether[name], value, name)
      checked = checked + 1
    end
  end
  assert(checked > 40, "only " .. checked .. " constants checked")
  s.eq(tether.KEY_ANY, c_view().KEY_ANY, "KEY_ANY")
  assert(ffi.istype("uint64_t", tether.KEY_ANY), "KEY_ANY is a uint64_t")
  s.eq(ffi.offsetof("tether_completion", "error_len") + ffi.sizeof("size_t"),
       c_view().COMPLETION_MIN_SIZE, "TETHER_COMPLETION_MIN_SIZE")
end

function T.version_is_the_loaded_librarys()
  local text, number = tether.version()
  s.eq(number, tether.VERSION_NUMBER, "tether_version_number")
  s.eq(text, string.format("%d.%d.%d", tether.VERSION_MAJOR,
                           tether.VERSION_MINOR, tether.VERSION_PATCH),
       "tether_version_string")
  s.eq(tether.status_str(tether.E_BUSY), "TETHER_E_BUSY", "status_str")
  s.eq(tether.status_str(12345), "TETHER_E_UNKNOWN", "status_str unknown")
end

return T
