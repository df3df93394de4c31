-- Calls through a completion queue: results, errors, keys, tickets, tags.
local ffi = require("ffi")
local tether = require("tether")
local s = require("support")

local T = {}

function T.a_call_returns_its_result_as_a_string_and_frees_the_buffer()
  local rt = s.open({lanes = 2})
  s.no_leak(function()
    local key = s.affinity("greeting")
    s.eq(assert(rt:call(s.PUT, s.put("greeting", "hello"), {key = key})), "",
         "PUT result")
    local value = assert(rt:call(s.GET, s.get("greeting"), {key = key}))
    s.eq(type(value), "string", "result type")
    s.eq(value, "hello", "GET result")
  end)
  rt:close()
end

function T.a_library_error_is_nil_status_message_and_code()
  local rt = s.open()
  s.no_leak(function()
    local status, message, code = select(2, rt:call(s.GET, s.get("absent"),
                                         {key = s.affinity("absent")}))
    s.eq(status, tether.E_LIBRARY, "status")
    s.eq(code, s.ERR_NOT_FOUND, "library code")
    assert(type(message) == "string" and #message > 0, "message")
    local _, bad_status, _, bad_code = rt:call(s.GET, "\1", {key = 1})
    s.eq(bad_status, tether.E_LIBRARY, "bad payload status")
    s.eq(bad_code, s.ERR_BAD_PAYLOAD, "bad payload code")
  end)
  rt:close()
end

function T.tickets_are_distinct_uint64_cdata()
  local rt = s.open()
  local queue = assert(rt:cq())
  local seen = {}
  for i = 1, 20 do
    local ticket = assert(rt:submit(queue, s.STATS, ""))
    assert(ffi.istype("uint64_t", ticket), "ticket is uint64_t cdata")
    local text = tostring(ticket)
    assert(not seen[text], "ticket repeated: " .. text)
    seen[text] = true
  end
  local done = s.collect(queue, 20)
  for _, c in ipairs(done) do
    assert(seen[tostring(c.ticket)], "completion for an unknown ticket")
  end
  queue:close()
  rt:close()
end

function T.tags_come_back_whole_even_past_two_to_the_53()
  local rt = s.open()
  local queue = assert(rt:cq())
  local tags = {0xFFFFFFFFFFFFFFF0ULL, 2 ^ 53, 0, 12345}
  for _, tag in ipairs(tags) do
    assert(rt:submit(queue, s.STATS, "", {tag = tag}))
  end
  local got = {}
  for _, c in ipairs(s.collect(queue, #tags)) do
    assert(ffi.istype("uint64_t", c.tag), "tag is uint64_t cdata")
    got[tostring(c.tag)] = true
  end
  for _, tag in ipairs(tags) do
    assert(got[tostring(ffi.cast("uint64_t", tag))], "tag lost: "
      .. tostring(tag))
  end
  queue:close()
  rt:close()
end

function T.calls_with_one_key_run_on_one_lane()
  local rt = s.open({lanes = 4})
  -- kvstore counts sessions process-wide; this runtime's first call made
  -- one of them.
  local before = s.stats(assert(rt:call(s.STATS, ""))).sessions - 1
  local lanes_seen = {}
  for _, name in ipairs({"alpha", "beta", "gamma", "delta", "epsilon"}) do
    local key = s.affinity(name)
    local first = s.stats(assert(rt:call(s.STATS, "", {key = key}))).lane
    for _ = 1, 10 do
      s.eq(s.stats(assert(rt:call(s.STATS, "", {key = key}))).lane, first,
           "lane of key " .. name)
    end
    lanes_seen[first] = true
  end
  -- Sessions are per lane: never more than the lanes, whatever the keys.
  local sessions = s.stats(assert(rt:call(s.STATS, ""))).sessions - before
  assert(sessions >= 1 and sessions <= 4,
         "sessions " .. sessions .. " for 4 lanes")
  rt:close()
end

function T.take_does_not_block_and_wait_returns_empty_on_timeout()
  local rt = s.open()
  local queue = assert(rt:cq())
  s.eq(#assert(queue:take()), 0, "take on an empty queue")
  s.eq(#assert(queue:wait(0.01)), 0, "wait that times out")
  assert(rt:submit(queue, s.SLOW, s.slow(0.05)))
  s.eq(#assert(queue:take()), 0, "take before the slow call ends")
  local done = s.collect(queue, 1)
  s.eq(done[1].status, tether.OK, "status")
  assert(done[1].lane == 0, "lane of the completion")
  queue:close()
  rt:close()
end

function T.cancel_ends_a_slow_call_as_cancelled()
  local rt = s.open()
  local queue = assert(rt:cq())
  s.no_leak(function()
    local ticket = assert(rt:submit(queue, s.SLOW, s.slow(5)))
    assert(rt:cancel(ticket))
    local done = s.collect(queue, 1)
    s.eq(done[1].status, tether.E_CANCELLED, "status")
    assert(done[1].error, "a cancelled completion carries a message")
    s.eq(done[1].result, nil, "no result")
    -- Reported, never trusted: stale once the library let the request go,
    -- already completed while its SLOW timer still holds it.
    local again = s.failure(rt:cancel(ticket))
    assert(again == tether.E_STALE_TICKET
             or again == tether.E_ALREADY_COMPLETED,
           "cancel again: " .. tether.status_str(again))
  end)
  queue:close()
  rt:close()
end

function T.a_timeout_ends_a_slow_call_with_deadline()
  local rt = s.open()
  s.no_leak(function()
    local status = select(2, rt:call(s.SLOW, s.slow(5), {timeout = 0.05}))
    s.eq(status, tether.E_DEADLINE, "status")
  end)
  rt:close()
end

function T.stats_count_the_calls_and_nothing_is_left_in_flight()
  local rt = s.open({lanes = 2})
  for i = 1, 25 do assert(rt:call(s.STATS, "", {key = i})) end
  local stats = assert(rt:stats())
  s.eq(stats.submitted, 25, "submitted")
  s.eq(stats.completed_ok, 25, "completed_ok")
  s.eq(stats.in_flight, 0, "in_flight")
  s.eq(stats.lanes, 2, "lanes")
  local report, findings = assert(rt:leak_report())
  s.eq(findings, 0, "findings: " .. report)
  rt:close()
end

return T
