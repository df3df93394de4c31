-- A runtime: a native library served on tether's lanes, called from Lua
-- through completion queues (LuaJIT cannot take callbacks on tether's
-- threads, so tether_submit's callback form is not offered).
local ffi = require("ffi")
local C = require("tether.ffi")
local buffer = require("tether.buffer")
local constants = require("tether.constants")
local cq = require("tether.cq")
local errors = require("tether.errors")

local Runtime = {}
Runtime.__index = Runtime

local M = {}

-- Config fields settable from Lua, by their tether_runtime_config names.
local config_fields = {
  lanes = true, pin_lanes = true, deliver = true, max_calls_in_flight = true,
  max_bytes_in_flight = true, max_payload_bytes = true, spin_ns = true,
  growth_threshold = true, leak_check = true, buffer_debug = true,
}

local function make_config(options)
  local config = ffi.new("tether_runtime_config")
  C.tether_runtime_config_init(config)
  for name, value in pairs(options or {}) do
    if not config_fields[name] then
      error("unknown runtime option '" .. tostring(name) .. "'", 3)
    end
    config[name] = value
  end
  return config
end

local function take_error(out)
  local raw = out[0]
  if raw == nil then return nil end
  local text = ffi.string(raw)
  C.tether_buf_free(raw)
  return text
end

-- Opens a runtime serving the library at `path` whose exported `symbol`
-- returns its table. `options`: fields of tether_runtime_config (lanes,
-- max_calls_in_flight, ...). Returns the runtime, or nil, status, message
-- (the message names the path or symbol that failed).
function M.open(path, symbol, options)
  assert(type(path) == "string", "path must be a string")
  assert(type(symbol) == "string", "symbol must be a string")
  local config = make_config(options)
  local out = ffi.new("tether_runtime*[1]")
  local error_out = ffi.new("char*[1]")
  local status = C.tether_runtime_open_path(path, symbol, config, out,
                                            error_out)
  local detail = take_error(error_out)
  if status ~= 0 then return errors.fail(status, detail) end
  local call = ffi.new("tether_call")
  C.tether_call_init(call)
  return setmetatable({
    ptr = ffi.gc(out[0], C.tether_runtime_destroy),
    call_in = call,
    ticket = ffi.new("uint64_t[1]"),
    stats_out = ffi.new("tether_stats"),
  }, Runtime)
end

local function closed()
  return errors.fail(constants.E_CLOSED, "runtime closed")
end

function Runtime:lanes()
  if self.ptr == nil then return 0 end
  return C.tether_runtime_lanes(self.ptr)
end

-- A completion queue for this runtime's calls.
function Runtime:cq(batch)
  if self.ptr == nil then return closed() end
  return cq.open(self, self.ptr, batch)
end

-- Submits a call completing into `queue`. `payload`: a string (copied), a
-- tether.buffer (moved: tether owns it once this returns a ticket; on
-- failure it is still the caller's), or nil. `options`: key (a number or
-- uint64_t cdata; default any lane), timeout (seconds; default none), tag
-- (a number or uint64_t cdata, given back with the completion; default 0).
-- Returns the ticket, a uint64_t cdata, or nil, status, message.
function Runtime:submit(queue, method, payload, options)
  if self.ptr == nil then return closed() end
  if not cq.is(queue) then error("submit needs a completion queue", 2) end
  if queue.ptr == nil then
    return errors.fail(constants.E_CLOSED, "completion queue closed")
  end
  options = options or {}
  local call = self.call_in
  call.method = method
  call.key = errors.u64(options.key, "key", constants.KEY_ANY)
  call.timeout_ns = errors.seconds_to_ns(options.timeout, "timeout", 0)
  local moved = nil
  if payload == nil then
    call.flags, call.payload, call.payload_len = 0, nil, 0
  elseif type(payload) == "string" then
    call.flags, call.payload, call.payload_len = 0, payload, #payload
  elseif buffer.is(payload) then
    if payload.ptr == nil then error("the buffer was freed or moved", 2) end
    call.flags = constants.CALL_MOVE_PAYLOAD
    call.payload, call.payload_len = payload.ptr, payload.len
    moved = payload
  else
    error("payload must be a string, a tether.buffer or nil", 2)
  end
  local tag = errors.u64(options.tag, "tag", 0)
  local status = C.tether_submit_cq(self.ptr, call, queue.ptr, tag,
                                    self.ticket)
  call.payload = nil -- the string may go now: tether copied it
  if status ~= 0 then return errors.fail(status) end
  if moved then moved:_moved() end
  return self.ticket[0]
end

-- One call, waited for: the result string, or nil, status, message and
-- (for TETHER_E_LIBRARY) the library's code. Options as submit.
function Runtime:call(method, payload, options)
  if self.ptr == nil then return closed() end
  if self.own_cq == nil then
    local queue, status, message = self:cq(1)
    if not queue then return nil, status, message end
    self.own_cq = queue
  end
  local ticket, status, message = self:submit(self.own_cq, method, payload,
                                              options)
  if not ticket then return nil, status, message end
  while true do
    local done, wait_status, wait_message = self.own_cq:wait(nil, 1)
    if not done then return nil, wait_status, wait_message end
    local completion = done[1]
    if completion and completion.ticket == ticket then
      if completion.ok then return completion.result end
      return nil, completion.status,
        completion.error or errors.status_str(completion.status),
        completion.code
    end
  end
end

-- Asks tether to end a call with TETHER_E_CANCELLED. Returns true, or
-- nil, status, message (a stale or finished ticket is reported).
function Runtime:cancel(ticket)
  if self.ptr == nil then return closed() end
  local status = C.tether_cancel(self.ptr, errors.u64(ticket, "ticket"))
  if status ~= 0 then return errors.fail(status) end
  return true
end

-- Every counter of tether_stats, as numbers.
local stats_fields = {
  "submitted", "rejected_busy", "completed_ok", "completed_library",
  "completed_cancelled", "completed_deadline", "completed_closed",
  "in_flight", "bytes_in_flight", "late_replies", "callback_exceptions",
  "lanes", "queue_depth", "cq_backlog", "buffers_live", "buffer_bytes_live",
  "latency_p50_ns", "latency_p99_ns", "latency_p999_ns",
}

function Runtime:stats()
  if self.ptr == nil then return closed() end
  local out = self.stats_out
  C.tether_stats_init(out)
  local status = C.tether_runtime_stats(self.ptr, out)
  if status ~= 0 then return errors.fail(status) end
  local stats = {}
  for _, name in ipairs(stats_fields) do stats[name] = tonumber(out[name]) end
  return stats
end

-- tether's leak report: the text ("" when nothing is alive) and the
-- number of findings.
function Runtime:leak_report()
  if self.ptr == nil then return closed() end
  local report = ffi.new("char*[1]")
  local findings = ffi.new("uint64_t[1]")
  local status = C.tether_runtime_leak_report(self.ptr, report, findings)
  if status ~= 0 then return errors.fail(status) end
  return take_error(report), tonumber(findings[0])
end

-- Stops intake and ends every call: mode tether.SHUTDOWN_DRAIN (default:
-- waits up to `timeout` seconds, default 10, for calls in flight) or
-- tether.SHUTDOWN_CANCEL. Idempotent.
function Runtime:shutdown(mode, timeout)
  if self.ptr == nil then return true end
  local status = C.tether_runtime_shutdown(self.ptr,
    mode or constants.SHUTDOWN_DRAIN,
    errors.seconds_to_ns(timeout, "timeout", 10e9))
  if status ~= 0 then return errors.fail(status) end
  return true
end

-- Shuts down (cancelling what is left) and frees the runtime now, instead
-- of when it is collected. Idempotent.
function Runtime:close()
  if self.ptr == nil then return true end
  if self.own_cq then self.own_cq:close() end
  local raw = ffi.gc(self.ptr, nil)
  local status = C.tether_runtime_destroy(raw)
  if status ~= 0 and status ~= constants.E_FORKED then
    ffi.gc(raw, C.tether_runtime_destroy) -- still ours: try again later
    return errors.fail(status)
  end
  self.ptr = nil
  return true
end

return M
