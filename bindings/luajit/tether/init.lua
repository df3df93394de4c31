-- tether for LuaJIT: call a native library served on tether's lanes
-- through LuaJIT's FFI, over the same C functions as every other host.
--
--   local tether = require("tether")
--   local rt = assert(tether.open("./libkvstore.so", "tether_kvstore_library",
--                                 {lanes = 2}))
--   local cq = assert(rt:cq())
--   local ticket = assert(rt:submit(cq, method, payload, {key = 7}))
--   for _, c in ipairs(cq:wait(1.0)) do ... c.result ... end
--
-- Failures return nil, status, message; tickets, tags and keys beyond 2^53
-- are uint64_t cdata (a Lua number is a double).
local ffi = require("ffi")
local C = require("tether.ffi")
local buffer = require("tether.buffer")
local constants = require("tether.constants")
local errors = require("tether.errors")
local runtime = require("tether.runtime")

local M = {}
for name, value in pairs(constants) do M[name] = value end

-- The raw functions, for what the wrappers do not cover.
M.C = C

M.open = runtime.open
M.buffer = buffer.new
M.status_str = errors.status_str

function M.version()
  return ffi.string(C.tether_version_string()), C.tether_version_number()
end

-- Live tether buffers in the process, and their bytes.
function M.buffers_live()
  local count = ffi.new("uint64_t[1]")
  local bytes = ffi.new("uint64_t[1]")
  C.tether_buf_live(count, bytes)
  return tonumber(count[0]), tonumber(bytes[0])
end

-- tether's crash report for faults on lanes (tether/crash.h).
function M.install_crash_handler()
  local status = C.tether_crash_handler_install()
  if status ~= 0 then return errors.fail(status) end
  return true
end

return M
