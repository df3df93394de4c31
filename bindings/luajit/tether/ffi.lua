-- Loads libtether once, with its declarations, and checks its version
-- against the one tether/cdef.lua was written for (as sqlite's bindings
-- do): the major versions must match and the library must not be older.
-- TETHER_LIBRARY names the shared object; by default the dynamic loader
-- looks for libtether.so.
local ffi = require("ffi")
require("tether.cdef")
local constants = require("tether.constants")

local C = ffi.load(os.getenv("TETHER_LIBRARY") or "tether")

local loaded = C.tether_version_number()
if math.floor(loaded / 1000000) ~= constants.VERSION_MAJOR
    or loaded < constants.VERSION_NUMBER then
  error(string.format(
    "tether: the loaded libtether is %s (%d), these declarations are for "
      .. "%d.%d.%d (%d): the major versions must match and the library must "
      .. "not be older", ffi.string(C.tether_version_string()), loaded,
    constants.VERSION_MAJOR, constants.VERSION_MINOR, constants.VERSION_PATCH,
    constants.VERSION_NUMBER), 0)
end

return C
