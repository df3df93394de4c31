-- What the tests share: the kvstore example library's wire format
-- (examples/kvstore/kvstore.h), assertions, and a leak check.
local ffi = require("ffi")
local tether = require("tether")

local M = {}

M.PUT, M.GET, M.DELETE, M.SLOW, M.STATS = 1, 2, 3, 4, 5
M.ERR_NOT_FOUND = 1
M.ERR_BAD_PAYLOAD = 2
M.SYMBOL = "tether_kvstore_library"

function M.library()
  local path = os.getenv("TETHER_KVSTORE_LIBRARY")
  assert(path and path ~= "", "set TETHER_KVSTORE_LIBRARY to libkvstore.so")
  return path
end

function M.open(options)
  return assert(tether.open(M.library(), M.SYMBOL, options))
end

local function u32(n)
  return ffi.string(ffi.new("uint32_t[1]", n), 4)
end

local function u64(n)
  return ffi.string(ffi.new("uint64_t[1]", n), 8)
end

function M.str(s) return u32(#s) .. s end
function M.put(key, value) return M.str(key) .. M.str(value) end
function M.get(key) return M.str(key) end
function M.slow(seconds) return u64(seconds * 1e9) end

-- kvstore's affinity key: FNV-1a 64 of the key's bytes, top bit cleared.
function M.affinity(key)
  local hash = 0xcbf29ce484222325ULL
  for i = 1, #key do
    hash = bit.bxor(hash, key:byte(i)) * 0x100000001b3ULL
  end
  return bit.band(hash, 0x7fffffffffffffffULL)
end

-- STATS reply: sessions, entries, handled, lane.
function M.stats(reply)
  assert(#reply == 32, "STATS reply of " .. #reply .. " bytes")
  local p = ffi.cast("const uint8_t*", reply)
  local q = ffi.cast("const uint64_t*", p)
  return {sessions = tonumber(q[0]), entries = tonumber(q[1]),
          handled = tonumber(q[2]),
          lane = tonumber(ffi.cast("const uint32_t*", p + 24)[0])}
end

function M.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value",
                        tostring(expected), tostring(actual)), 2)
  end
end

-- Runs fn, then checks no tether buffer outlived it.
function M.no_leak(fn)
  collectgarbage()
  local before = tether.buffers_live()
  fn()
  collectgarbage()
  local after = tether.buffers_live()
  if after ~= before then
    error(string.format("live tether buffers: %d before, %d after", before,
                        after), 2)
  end
end

-- The status and message of a failure, checking the result was nil.
function M.failure(value, status, message)
  if value ~= nil then
    error("expected a failure, got " .. tostring(value), 2)
  end
  return status, message
end

-- Waits until `queue` has handed over `count` completions.
function M.collect(queue, count, seconds)
  local out = {}
  for _ = 1, seconds or 30 do
    local batch = assert(queue:wait(1))
    for _, c in ipairs(batch) do out[#out + 1] = c end
    if #out >= count then return out end
  end
  error(string.format("%d of %d completions arrived", #out, count), 2)
end

return M
