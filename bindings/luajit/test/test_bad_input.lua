-- Refusals: each with its exact status, and no tether buffer left behind.
local ffi = require("ffi")
local tether = require("tether")
local s = require("support")

local T = {}

function T.a_payload_over_the_maximum_is_too_large()
  local rt = s.open({max_payload_bytes = 16, max_bytes_in_flight = 1024})
  local queue = assert(rt:cq())
  s.no_leak(function()
    s.eq(s.failure(rt:submit(queue, s.STATS, string.rep("x", 17))),
         tether.E_TOO_LARGE, "17 bytes over 16")
  end)
  s.eq(rt:stats().submitted, 0, "nothing accepted")
  queue:close()
  rt:close()
end

function T.over_the_call_credits_is_busy_until_completions_are_taken()
  local rt = s.open({max_calls_in_flight = 2})
  local queue = assert(rt:cq())
  s.no_leak(function()
    assert(rt:submit(queue, s.STATS, ""))
    assert(rt:submit(queue, s.STATS, ""))
    s.eq(s.failure(rt:submit(queue, s.STATS, "")), tether.E_BUSY,
         "third call")
    s.collect(queue, 2)
    assert(rt:submit(queue, s.STATS, ""), "credit back once taken")
    s.collect(queue, 1)
  end)
  s.eq(rt:stats().rejected_busy, 1, "rejected_busy")
  queue:close()
  rt:close()
end

function T.a_queue_of_another_runtime_is_invalid_arg()
  local one, other = s.open(), s.open()
  local queue = assert(other:cq())
  s.no_leak(function()
    s.eq(s.failure(one:submit(queue, s.STATS, "")), tether.E_INVALID_ARG,
         "foreign queue")
  end)
  queue:close()
  one:close()
  other:close()
end

function T.a_closed_queue_is_refused_as_closed()
  local rt = s.open()
  local queue = assert(rt:cq())
  assert(queue:shutdown())
  s.eq(s.failure(rt:submit(queue, s.STATS, "")), tether.E_CLOSED,
       "queue shut down")
  s.eq(s.failure(queue:wait(1)), tether.E_CLOSED, "wait on a drained queue")
  queue:close()
  s.eq(s.failure(rt:submit(queue, s.STATS, "")), tether.E_CLOSED,
       "queue closed")
  rt:close()
end

function T.cancel_of_a_ticket_never_issued_is_stale()
  local rt = s.open()
  s.eq(s.failure(rt:cancel(0x0123456789ABCDEFULL)), tether.E_STALE_TICKET,
       "made-up ticket")
  s.eq(s.failure(rt:cancel(0)), tether.E_STALE_TICKET, "ticket 0")
  rt:close()
end

function T.keys_and_tags_of_the_wrong_type_raise()
  local rt = s.open()
  local queue = assert(rt:cq())
  for _, bad in ipairs({-1, 1.5, 2 ^ 60, "7", {}}) do
    local ok = pcall(rt.submit, rt, queue, s.STATS, "", {key = bad})
    assert(not ok, "key " .. tostring(bad) .. " accepted")
    ok = pcall(rt.submit, rt, queue, s.STATS, "", {tag = bad})
    assert(not ok, "tag " .. tostring(bad) .. " accepted")
  end
  local ok = pcall(rt.submit, rt, queue, s.STATS, 42)
  assert(not ok, "a number as payload accepted")
  s.eq(rt:stats().submitted, 0, "nothing submitted")
  queue:close()
  rt:close()
end

function T.freeing_twice_or_a_foreign_pointer_is_reported_not_done()
  s.no_leak(function()
    local raw = tether.C.tether_buf_alloc(8)
    s.eq(tether.C.tether_buf_free(raw), tether.OK, "first free")
    s.eq(tether.C.tether_buf_free(raw), tether.E_DOUBLE_FREE, "second free")
    local mine = ffi.new("char[16]")
    s.eq(tether.C.tether_buf_free(mine), tether.E_FOREIGN_BUFFER,
         "foreign pointer")
  end)
end

return T
