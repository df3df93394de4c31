-- Completion queues: where calls submitted from Lua complete. take() and
-- wait() turn each completion into a Lua table and free its tether buffers
-- at once, so nothing tether allocated outlives them:
--
--   { tag = <uint64_t>, ticket = <uint64_t>, status = <number>,
--     ok = <boolean>, result = <string, or nil unless ok>,
--     code = <library code>, error = <string or nil>,
--     lane = <number, or nil if no lane ran it>, latency_ns = <number> }
--
-- One thread at a time per queue (a LuaJIT state is one thread anyway).
local ffi = require("ffi")
local C = require("tether.ffi")
local errors = require("tether.errors")

local completion_size = ffi.sizeof("tether_completion")
local NO_LANE = 0xFFFFFFFF

local Cq = {}
Cq.__index = Cq

local M = {}

-- Opens a queue on `runtime` (a tether.runtime). `batch`: completions
-- taken per crossing into C (default 64).
function M.open(runtime, raw_runtime, batch)
  local out = ffi.new("tether_cq*[1]")
  local status = C.tether_cq_open(raw_runtime, out)
  if status ~= 0 then return errors.fail(status) end
  batch = batch or 64
  return setmetatable({
    ptr = ffi.gc(out[0], C.tether_cq_destroy),
    runtime = runtime, -- kept alive while its queue is
    batch = batch,
    slots = ffi.new("tether_completion[?]", batch),
    count = ffi.new("size_t[1]"),
  }, Cq)
end

function M.is(value)
  return getmetatable(value) == Cq
end

local function collect(self, count)
  local out = {}
  for i = 0, count - 1 do
    local slot = self.slots[i]
    local item = {
      tag = slot.user_data,
      ticket = slot.ticket,
      status = slot.status,
      ok = slot.status == 0,
      code = slot.library_code,
      lane = slot.lane ~= NO_LANE and slot.lane or nil,
      latency_ns = tonumber(slot.latency_ns),
    }
    if slot.result ~= nil then
      item.result = ffi.string(slot.result, slot.result_len)
      C.tether_buf_free(slot.result)
      slot.result = nil
    elseif item.ok then
      item.result = ""
    end
    if slot.error ~= nil then
      item.error = ffi.string(slot.error, slot.error_len)
      C.tether_buf_free(slot.error)
      slot.error = nil
    end
    out[i + 1] = item
  end
  return out
end

local function checked_max(self, max)
  max = max or self.batch
  if type(max) ~= "number" or max < 1 or max > self.batch then
    error("max must be a number from 1 to " .. self.batch, 3)
  end
  return max
end

-- Completions ready now (perhaps none), without blocking: tether_cq_take.
function Cq:take(max)
  if self.ptr == nil then return errors.fail(3, "completion queue closed") end
  max = checked_max(self, max)
  local status = C.tether_cq_take(self.ptr, self.slots, completion_size, max,
                                  self.count)
  if status ~= 0 then return errors.fail(status) end
  return collect(self, tonumber(self.count[0]))
end

-- Waits up to `timeout` seconds (nil: no limit) for a completion, then
-- returns those ready: an empty list when the time passed; nil,
-- TETHER_E_CLOSED, message once the queue is shut down and drained.
function Cq:wait(timeout, max)
  if self.ptr == nil then return errors.fail(3, "completion queue closed") end
  max = checked_max(self, max)
  local ns = errors.seconds_to_ns(timeout, "timeout",
                                  0xFFFFFFFFFFFFFFFFULL)
  local status = C.tether_cq_poll(self.ptr, self.slots, completion_size, max,
                                  ns, self.count)
  if status ~= 0 then return errors.fail(status) end
  return collect(self, tonumber(self.count[0]))
end

-- The queue's eventfd (tether owns it: dup it to keep it), for a host
-- that sleeps in its own event loop; then reset_fd() and take() until
-- fewer than max come back (tether/cq.h's consumer contract).
function Cq:fd()
  if self.ptr == nil then return -1 end
  return C.tether_cq_fd(self.ptr)
end

function Cq:reset_fd()
  if self.ptr == nil then return errors.fail(3, "completion queue closed") end
  local status = C.tether_cq_reset_fd(self.ptr)
  if status ~= 0 then return errors.fail(status) end
  return true
end

-- Stops intake; calls already submitted still complete into it.
function Cq:shutdown()
  if self.ptr == nil then return true end
  local status = C.tether_cq_shutdown(self.ptr)
  if status ~= 0 then return errors.fail(status) end
  return true
end

-- Frees the queue now (completions still in it are freed by tether).
-- Idempotent.
function Cq:close()
  if self.ptr == nil then return true end
  local raw = ffi.gc(self.ptr, nil)
  self.ptr = nil
  C.tether_cq_destroy(raw)
  return true
end

return M
