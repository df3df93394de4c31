-- Opening and closing runtimes, and the refusals on the way.
local tether = require("tether")
local s = require("support")

local T = {}

function T.a_missing_file_fails_with_load_naming_the_path()
  s.no_leak(function()
    local status, message = s.failure(tether.open("/nonexistent/lib.so",
                                                  s.SYMBOL))
    s.eq(status, tether.E_LOAD, "status")
    assert(message:find("/nonexistent/lib.so", 1, true), message)
  end)
end

function T.a_missing_symbol_fails_with_load_naming_the_symbol()
  s.no_leak(function()
    local status, message = s.failure(tether.open(s.library(), "no_such"))
    s.eq(status, tether.E_LOAD, "status")
    assert(message:find("no_such", 1, true), message)
  end)
end

function T.a_config_out_of_range_fails_with_invalid_arg()
  s.no_leak(function()
    s.eq(s.failure(tether.open(s.library(), s.SYMBOL, {lanes = 0})),
         tether.E_INVALID_ARG, "0 lanes")
    s.eq(s.failure(tether.open(s.library(), s.SYMBOL, {lanes = 257})),
         tether.E_INVALID_ARG, "257 lanes")
  end)
end

function T.an_unknown_option_raises()
  local ok, err = pcall(tether.open, s.library(), s.SYMBOL, {lane = 2})
  assert(not ok and err:find("unknown runtime option 'lane'"), err)
end

function T.open_serves_the_lanes_asked_for()
  local rt = s.open({lanes = 3})
  s.eq(rt:lanes(), 3, "lanes")
  assert(rt:close())
  s.eq(rt:lanes(), 0, "lanes after close")
end

function T.close_is_idempotent_and_later_calls_say_closed()
  local rt = s.open()
  local queue = assert(rt:cq())
  assert(rt:close())
  assert(rt:close())
  local status = s.failure(rt:submit(queue, s.STATS, ""))
  s.eq(status, tether.E_CLOSED, "submit after close")
  s.eq(s.failure(rt:call(s.STATS, "")), tether.E_CLOSED, "call after close")
  s.eq(s.failure(rt:stats()), tether.E_CLOSED, "stats after close")
  assert(queue:close())
end

function T.shutdown_then_submit_says_closed_and_accepts_nothing()
  s.no_leak(function()
    local rt = s.open()
    local queue = assert(rt:cq())
    assert(rt:shutdown(tether.SHUTDOWN_DRAIN, 1))
    assert(rt:shutdown()) -- idempotent
    s.eq(s.failure(rt:submit(queue, s.STATS, "")), tether.E_CLOSED, "submit")
    s.eq(rt:stats().submitted, 0, "submitted")
    queue:close()
    rt:close()
  end)
end

function T.a_runtime_dropped_without_close_is_freed_by_the_collector()
  s.no_leak(function()
    do
      local rt = s.open({lanes = 2})
      assert(rt:call(s.PUT, s.put("dropped", "value"),
                     {key = s.affinity("dropped")}))
    end
    collectgarbage()
    collectgarbage()
  end)
end

function T.the_lua_54_library_refuses_to_start_under_luajit()
  -- LuaJIT exports the Lua 5.1 C API; the Lua 5.4 library sees its calls
  -- bound there and fails its lane start instead of crashing.
  local path = os.getenv("TETHER_LUA_MODULE")
  if not path or path == "" then error("set TETHER_LUA_MODULE") end
  s.no_leak(function()
    local status, message = s.failure(tether.open(path, "tether_lua_library"))
    s.eq(status, tether.E_LOAD, "status")
    assert(message:find("lane_start of library 'lua'", 1, true), message)
  end)
end

return T
