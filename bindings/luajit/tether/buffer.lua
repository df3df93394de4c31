-- Tether buffers held by Lua: a buffer the caller owns is freed by
-- ffi.gc when it is collected, unless it was freed or moved into a call
-- first. Moving one as a payload (runtime:submit) gives it to tether.
local ffi = require("ffi")
local C = require("tether.ffi")
local errors = require("tether.errors")

local Buffer = {}
Buffer.__index = Buffer

local M = {}

-- A buffer of `size` bytes, or holding a copy of a string.
-- Returns nil, status, message when tether refuses (too large, no memory).
function M.new(data)
  local size = data
  if type(data) == "string" then size = #data end
  if type(size) ~= "number" or size < 0 or size ~= math.floor(size) then
    error("tether.buffer takes a string or a size in bytes", 2)
  end
  local raw = C.tether_buf_alloc(size)
  if raw == nil then
    local status = size > 2 ^ 30 and 12 or 11 -- TOO_LARGE or NO_MEMORY
    return errors.fail(status)
  end
  if type(data) == "string" then ffi.copy(raw, data, size) end
  return setmetatable({ptr = ffi.gc(raw, C.tether_buf_free), len = size},
                      Buffer)
end

function M.is(value)
  return getmetatable(value) == Buffer
end

-- The buffer's bytes as a Lua string.
function Buffer:string()
  assert(self.ptr ~= nil, "tether.buffer: already freed or moved")
  return ffi.string(self.ptr, self.len)
end

-- Frees it now. Returns true, or nil, status, message.
function Buffer:free()
  if self.ptr == nil then return errors.fail(1, "already freed or moved") end
  local raw = ffi.gc(self.ptr, nil)
  self.ptr = nil
  local status = C.tether_buf_free(raw)
  if status ~= 0 then return errors.fail(status) end
  return true
end

-- Tether owns it now: no free, no finalizer.
function Buffer:_moved()
  ffi.gc(self.ptr, nil)
  self.ptr = nil
end

return M
