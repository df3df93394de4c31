-- A small test runner: runs each test file given (default: every
-- test/test_*.lua), each returning a table of test functions, in name
-- order; a test fails by raising. Prints one line per test, then
-- "N passed, N failed"; exits non-zero when any failed.
--
--   luajit test/run.lua [test/test_calls.lua ...]
local here = (arg[0]:match("^(.*)/[^/]*$") or ".")
local root = here .. "/.."
package.path = root .. "/?.lua;" .. root .. "/?/init.lua;" .. here
  .. "/?.lua;" .. package.path
io.stdout:setvbuf("line")

local files = {}
for i = 1, #arg do files[#files + 1] = arg[i] end
if #files == 0 then
  local listing = io.popen("ls " .. here .. "/test_*.lua")
  for path in listing:lines() do files[#files + 1] = path end
  listing:close()
end

local passed, failed = 0, 0
for _, path in ipairs(files) do
  local chunk = assert(loadfile(path))
  local tests = chunk()
  local names = {}
  for name in pairs(tests) do names[#names + 1] = name end
  table.sort(names)
  local file = path:match("([^/]*)%.lua$")
  for _, name in ipairs(names) do
    local ok, err = xpcall(tests[name], debug.traceback)
    collectgarbage()
    if ok then
      passed = passed + 1
      print("ok     " .. file .. ": " .. name)
    else
      failed = failed + 1
      print("FAILED " .. file .. ": " .. name .. "\n" .. tostring(err))
    end
  end
end
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
