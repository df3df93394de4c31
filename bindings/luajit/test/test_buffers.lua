-- Tether buffers held by Lua: freed by ffi.gc unless moved into a call.
local tether = require("tether")
local s = require("support")

local T = {}

function T.a_buffer_nobody_frees_is_freed_when_collected()
  s.no_leak(function()
    local before = tether.buffers_live()
    local buf = assert(tether.buffer("some bytes"))
    s.eq(tether.buffers_live(), before + 1, "live while held")
    s.eq(buf:string(), "some bytes", "contents")
    buf = nil -- luacheck: ignore
    collectgarbage()
    collectgarbage()
    s.eq(tether.buffers_live(), before, "live after collection")
  end)
end

function T.free_frees_once_and_then_says_so()
  s.no_leak(function()
    local buf = assert(tether.buffer(32))
    assert(buf:free())
    local status, message = s.failure(buf:free())
    s.eq(status, tether.E_INVALID_ARG, "second free")
    assert(message:find("already freed"), message)
  end)
end

function T.a_moved_payload_belongs_to_tether_once_submitted()
  local rt = s.open()
  local queue = assert(rt:cq())
  s.no_leak(function()
    local payload = assert(tether.buffer(s.put("moved", "by buffer")))
    assert(rt:submit(queue, s.PUT, payload, {key = s.affinity("moved")}))
    s.eq(payload.ptr, nil, "moved out of Lua")
    s.eq(s.collect(queue, 1)[1].status, tether.OK, "PUT status")
    s.eq(assert(rt:call(s.GET, s.get("moved"), {key = s.affinity("moved")})),
         "by buffer", "value")
    local ok = pcall(rt.submit, rt, queue, s.PUT, payload)
    assert(not ok, "a moved buffer submitted again")
  end)
  queue:close()
  rt:close()
end

function T.a_refused_moved_payload_stays_the_callers()
  local rt = s.open()
  local queue = assert(rt:cq())
  rt:shutdown()
  s.no_leak(function()
    local payload = assert(tether.buffer(s.put("k", "v")))
    s.eq(s.failure(rt:submit(queue, s.PUT, payload)), tether.E_CLOSED,
         "submit after shutdown")
    assert(payload.ptr ~= nil, "still the caller's")
    s.eq(payload:string(), s.put("k", "v"), "untouched")
  end)
  queue:close()
  rt:close()
end

function T.a_buffer_over_the_maximum_is_too_large()
  s.no_leak(function()
    s.eq(s.failure(tether.buffer(2 ^ 30 + 1)), tether.E_TOO_LARGE, "status")
  end)
end

return T
