-- Failures as Lua returns them: nil, the tether_status (a number), and a
-- message (tether's detail where it gave one, else the status's name).
-- Misuse that no status describes (a key of the wrong type) raises.
local ffi = require("ffi")
local C = require("tether.ffi")

local M = {}

function M.status_str(status)
  return ffi.string(C.tether_status_str(status))
end

function M.fail(status, detail)
  return nil, status, detail or M.status_str(status)
end

-- A uint64_t from a Lua number (an integer in 0 .. 2^53) or a 64-bit
-- cdata; `default` when nil. Raises for anything else.
function M.u64(value, what, default)
  if value == nil then return default end
  if type(value) == "number" then
    if value < 0 or value > 2 ^ 53 or value ~= math.floor(value) then
      error(what .. " must be an integer from 0 to 2^53, or a uint64_t "
        .. "cdata for larger values", 3)
    end
    return value
  end
  if type(value) == "cdata" then return ffi.cast("uint64_t", value) end
  error(what .. " must be a number or a uint64_t cdata, not a "
    .. type(value), 3)
end

-- Nanoseconds (a uint64_t) from seconds (a number >= 0); `default` when
-- nil.
function M.seconds_to_ns(seconds, what, default)
  if seconds == nil then return default end
  if type(seconds) ~= "number" or seconds < 0 or seconds ~= seconds then
    error(what .. " must be a number of seconds >= 0", 3)
  end
  return ffi.new("uint64_t", math.floor(seconds * 1e9 + 0.5))
end

return M
