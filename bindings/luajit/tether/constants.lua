-- The values tether's headers #define, which an ffi.cdef cannot carry.
-- 64-bit values (TETHER_KEY_ANY) are uint64_t cdata: a Lua number cannot
-- hold them. test/test_abi.lua checks each against the C headers.
local ffi = require("ffi")

local M = {}

-- tether/version.h: the version these declarations were written against.
M.VERSION_MAJOR = 0
M.VERSION_MINOR = 1
M.VERSION_PATCH = 0
M.VERSION_NUMBER = M.VERSION_MAJOR * 1000000 + M.VERSION_MINOR * 1000
  + M.VERSION_PATCH

-- tether/status.h
M.OK = 0
M.E_INVALID_ARG = 1
M.E_BUSY = 2
M.E_CLOSED = 3
M.E_CANCELLED = 4
M.E_DEADLINE = 5
M.E_LIBRARY = 6
M.E_STALE_TICKET = 7
M.E_ALREADY_COMPLETED = 8
M.E_WOULD_DEADLOCK = 9
M.E_FORKED = 10
M.E_NO_MEMORY = 11
M.E_TOO_LARGE = 12
M.E_LOAD = 13
M.E_VERSION = 14
M.E_WRONG_THREAD = 15
M.E_FOREIGN_BUFFER = 16
M.E_DOUBLE_FREE = 17
M.E_INTERNAL = 18
M.E_BUFFER_CORRUPT = 19

-- tether/runtime.h
M.DELIVER_ON_LANE = 0
M.DELIVER_ON_THREAD = 1
M.LEAK_CHECK_OFF = 0
M.LEAK_CHECK_LOG = 1
M.LEAK_CHECK_FAIL = 2
M.SHUTDOWN_DRAIN = 0
M.SHUTDOWN_CANCEL = 1

-- tether/call.h
M.KEY_ANY = ffi.new("uint64_t", 0xFFFFFFFFFFFFFFFFULL)
M.CALL_MOVE_PAYLOAD = 1

-- tether/buffer.h
M.BUF_MAX_SIZE = 2 ^ 30
M.BUF_MODE_RELEASE = 0
M.BUF_MODE_DEBUG = 1
M.BUF_NEW_BYTE = 0xCB
M.BUF_FREED_BYTE = 0xDB
M.BUF_GUARD_BYTE = 0xFB
M.BUF_PROBLEM_DOUBLE_FREE = 0
M.BUF_PROBLEM_FOREIGN = 1
M.BUF_PROBLEM_OVERWRITE = 2
M.BUF_PROBLEM_UNDERWRITE = 3
M.BUF_PROBLEM_WRITE_AFTER_FREE = 4

-- tether/log.h
M.LOG_DEBUG = 0
M.LOG_INFO = 1
M.LOG_WARN = 2
M.LOG_ERROR = 3
M.LOG_OFF = 4

return M
