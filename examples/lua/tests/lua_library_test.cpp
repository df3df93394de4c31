// The Lua library through tether's C API: values both ways, Lua errors,
// the budget and cancellation hook, refusals of malformed payloads, and
// the process-wide counters INFO reports. The module is loaded by path, as
// a host would.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "lua_lane.hpp"
#include "lua_protocol.h"
#include "tether/library.hpp"
#include "tether/tether.h"
#include "wire.hpp"

namespace {

using tether_lua::Reader;
using tether_lua::Writer;

struct Reply {
  tether_status status = TETHER_OK;
  int32_t code = 0;
  std::string bytes;  // the result, or the error message
};

uint64_t live_buffers() {
  uint64_t count = 0;
  tether_buf_live(&count, nullptr);
  return count;
}

class Lua {
 public:
  explicit Lua(uint32_t lanes = 1, const tether_library* library = nullptr) {
    tether_runtime_config config;
    tether_runtime_config_init(&config);
    config.lanes = lanes;
    tether_status status =
        library != nullptr
            ? tether_runtime_open(library, &config, &runtime_, nullptr)
            : tether_runtime_open_path(TETHER_LUA_MODULE,
                                       TETHER_LUA_ENTRY_SYMBOL, &config,
                                       &runtime_, nullptr);
    EXPECT_EQ(status, TETHER_OK);
    EXPECT_EQ(tether_cq_open(runtime_, &cq_), TETHER_OK);
  }
  ~Lua() {
    tether_runtime_destroy(runtime_);
    tether_cq_destroy(cq_);
  }

  uint64_t submit(uint32_t method, const std::string& payload, uint64_t key = 1,
                  uint64_t timeout_ns = 0) {
    tether_call call;
    tether_call_init(&call);
    call.method = method;
    call.key = key;
    call.timeout_ns = timeout_ns;
    call.payload = payload.data();
    call.payload_len = payload.size();
    uint64_t ticket = 0;
    EXPECT_EQ(tether_submit_cq(runtime_, &call, cq_, 0, &ticket), TETHER_OK);
    return ticket;
  }

  Reply take() {
    tether_completion completion;
    size_t count = 0;
    EXPECT_EQ(tether_cq_poll(cq_, &completion, sizeof completion, 1, UINT64_MAX,
                             &count),
              TETHER_OK);
    Reply reply;
    reply.status = completion.status;
    reply.code = completion.library_code;
    if (completion.result != nullptr) {
      reply.bytes.assign(static_cast<const char*>(completion.result),
                         completion.result_len);
    } else if (completion.error != nullptr) {
      reply.bytes.assign(completion.error, completion.error_len);
    }
    tether_buf_free(completion.result);
    tether_buf_free(completion.error);
    return reply;
  }

  Reply call(uint32_t method, const std::string& payload, uint64_t key = 1,
             uint64_t timeout_ns = 0) {
    submit(method, payload, key, timeout_ns);
    return take();
  }
  tether_runtime* runtime() const { return runtime_; }

 private:
  tether_runtime* runtime_ = nullptr;
  tether_cq* cq_ = nullptr;
};

std::string load(const std::string& source, uint64_t budget = 0) {
  Writer writer;
  writer.u64(budget);
  writer.u32(4);
  writer.bytes("test");
  writer.bytes(source);
  return writer.str();
}

// CALL's payload with `arguments` already encoded as a value list.
std::string call(const std::string& function, const std::string& arguments,
                 uint64_t budget = 0) {
  Writer writer;
  writer.u64(budget);
  writer.u32(static_cast<uint32_t>(function.size()));
  writer.bytes(function);
  writer.bytes(arguments);
  return writer.str();
}

std::string no_arguments() { return std::string(4, '\0'); }

void expect_ok(const Reply& reply) {
  EXPECT_EQ(reply.status, TETHER_OK) << reply.bytes;
}

void expect_library_error(const Reply& reply, int32_t code,
                          const std::string& part) {
  EXPECT_EQ(reply.status, TETHER_E_LIBRARY);
  EXPECT_EQ(reply.code, code) << reply.bytes;
  EXPECT_NE(reply.bytes.find(part), std::string::npos) << reply.bytes;
}

std::vector<int64_t> integers(const std::string& list) {
  Reader reader(list);
  uint32_t count = 0;
  EXPECT_TRUE(reader.u32(&count));
  std::vector<int64_t> values;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t tag = 0;
    uint64_t bits = 0;
    EXPECT_TRUE(reader.u8(&tag) && tag == TETHER_LUA_INTEGER &&
                reader.u64(&bits));
    values.push_back(static_cast<int64_t>(bits));
  }
  return values;
}

// INFO's counters: lane, calls, violations, created, alive.
std::vector<int64_t> info(Lua& lua, uint64_t key = 1) {
  Reply reply = lua.call(TETHER_LUA_METHOD_INFO, "", key);
  EXPECT_EQ(reply.status, TETHER_OK);
  return integers(reply.bytes);
}

class LuaLibrary : public ::testing::Test {
 protected:
  void SetUp() override { live_ = live_buffers(); }
  void TearDown() override { EXPECT_EQ(live_buffers(), live_); }
  uint64_t live_ = 0;
};

TEST_F(LuaLibrary, ValuesOfEveryKindGoThereAndBack) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function echo(...) return ... end")));
  Writer arguments;
  arguments.u32(7);
  arguments.u8(TETHER_LUA_NIL);
  arguments.u8(TETHER_LUA_TRUE);
  arguments.u8(TETHER_LUA_FALSE);
  arguments.u8(TETHER_LUA_INTEGER);
  arguments.u64(static_cast<uint64_t>(int64_t{-42}));
  arguments.u8(TETHER_LUA_NUMBER);
  double half = 0.5;
  uint64_t bits = 0;
  std::memcpy(&bits, &half, sizeof bits);
  arguments.u64(bits);
  arguments.u8(TETHER_LUA_STRING);
  arguments.u32(3);
  arguments.bytes(std::string("a\0b", 3));
  arguments.u8(TETHER_LUA_TABLE);
  arguments.u32(1);
  arguments.u8(TETHER_LUA_STRING);
  arguments.u32(1);
  arguments.bytes("k");
  arguments.u8(TETHER_LUA_INTEGER);
  arguments.u64(9);
  Reply reply = lua.call(TETHER_LUA_METHOD_CALL, call("echo", arguments.str()));
  expect_ok(reply);
  EXPECT_EQ(reply.bytes, arguments.str());
}

TEST_F(LuaLibrary, ALuaErrorCarriesItsMessageAndTraceback) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function fail() error('boom') end")));
  Reply reply = lua.call(TETHER_LUA_METHOD_CALL, call("fail", no_arguments()));
  expect_library_error(reply, TETHER_LUA_ERR_RUNTIME, "test:1: boom");
  EXPECT_NE(reply.bytes.find("stack traceback:"), std::string::npos);
}

TEST_F(LuaLibrary, ASyntaxErrorOrABinaryChunkIsRefused) {
  Lua lua;
  expect_library_error(lua.call(TETHER_LUA_METHOD_LOAD, load("x = = 1")),
                       TETHER_LUA_ERR_SYNTAX, "test:1:");
  expect_library_error(lua.call(TETHER_LUA_METHOD_LOAD, load("\x1bLua")),
                       TETHER_LUA_ERR_SYNTAX, "binary");
}

TEST_F(LuaLibrary, ARunawayScriptIsStoppedByItsBudget) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function spin() while true do end end\n"
                          "function stubborn()\n"
                          "  while true do pcall(spin) end\n"
                          "end")));
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_CALL, call("spin", no_arguments(), 100000)),
      TETHER_LUA_ERR_BUDGET, "ran past its budget of 100000 instructions");
  // Catching the stop with pcall does not let it run on.
  expect_library_error(lua.call(TETHER_LUA_METHOD_CALL,
                                call("stubborn", no_arguments(), 100000)),
                       TETHER_LUA_ERR_BUDGET, "ran past its budget");
  // A LOAD runs under the same hook.
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_LOAD, load("while true do end", 50000)),
      TETHER_LUA_ERR_BUDGET, "budget of 50000");
}

TEST_F(LuaLibrary, CancellingACallStopsItsScriptAndFreesTheLane) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function spin() while true do end end")));
  const uint64_t ticket = lua.submit(TETHER_LUA_METHOD_CALL,
                                     call("spin", no_arguments(), 1ull << 62));
  ASSERT_EQ(tether_cancel(lua.runtime(), ticket), TETHER_OK);
  EXPECT_EQ(lua.take().status, TETHER_E_CANCELLED);
  // One lane, keyed alike: this runs only once the script has stopped.
  EXPECT_EQ(info(lua).size(), 5u);
}

TEST_F(LuaLibrary, ADeadlineStopsItsScript) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function spin() while true do end end")));
  EXPECT_EQ(lua.call(TETHER_LUA_METHOD_CALL,
                     call("spin", no_arguments(), 1ull << 62), 1, 20'000'000)
                .status,
            TETHER_E_DEADLINE);
  EXPECT_EQ(info(lua).size(), 5u);
}

TEST_F(LuaLibrary, MalformedPayloadsAreRefusedWithBadPayload) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function echo(...) return ... end")));
  const std::string bad = "bad payload";
  expect_library_error(lua.call(TETHER_LUA_METHOD_LOAD, "short"),
                       TETHER_LUA_ERR_BAD_PAYLOAD, bad);
  expect_library_error(lua.call(TETHER_LUA_METHOD_CALL, "short"),
                       TETHER_LUA_ERR_BAD_PAYLOAD, bad);
  // A count past the end, an unknown tag, a string past the end, a table
  // inside a table, a nil key, bytes left over.
  const std::vector<std::string> lists = {
      std::string("\x05\0\0\0", 4),
      std::string("\x01\0\0\0\x63", 5),
      std::string("\x01\0\0\0\x05\x09\0\0\0ab", 11),
      std::string("\x01\0\0\0\x06\x01\0\0\0\x00\x06\0\0\0\0", 15),
      std::string("\x01\0\0\0\x06\x01\0\0\0\x00\x02", 11),
      std::string("\x01\0\0\0\x02\x02", 6),
  };
  for (const std::string& list : lists) {
    expect_library_error(lua.call(TETHER_LUA_METHOD_CALL, call("echo", list)),
                         TETHER_LUA_ERR_BAD_PAYLOAD, bad);
  }
  expect_library_error(lua.call(TETHER_LUA_METHOD_GC, std::string("\x02", 1)),
                       TETHER_LUA_ERR_BAD_PAYLOAD, bad);
  expect_library_error(lua.call(TETHER_LUA_METHOD_GC, std::string(2, '\0')),
                       TETHER_LUA_ERR_BAD_PAYLOAD, bad);
  expect_library_error(lua.call(TETHER_LUA_METHOD_INFO, "x"),
                       TETHER_LUA_ERR_BAD_PAYLOAD, bad);
  expect_library_error(lua.call(99, ""), TETHER_LUA_ERR_UNKNOWN_METHOD,
                       "unknown method 99");
  // The VM is left as it was: the stack is empty.
  Reply gc = lua.call(TETHER_LUA_METHOD_GC, std::string(1, '\0'));
  expect_ok(gc);
  EXPECT_EQ(integers(gc.bytes).at(1), 0);
}

TEST_F(LuaLibrary, WhatTheWireCannotCarryIsRefused) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("function f() return print end\n"
                          "function nested() return {{}} end\n"
                          "x = 1")));
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_CALL, call("f", no_arguments())),
      TETHER_LUA_ERR_BAD_RESULT, "a function result");
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_CALL, call("nested", no_arguments())),
      TETHER_LUA_ERR_BAD_RESULT, "table inside a table");
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_CALL, call("x", no_arguments())),
      TETHER_LUA_ERR_NO_FUNCTION, "no global function 'x'");
  expect_library_error(lua.call(TETHER_LUA_METHOD_CALL,
                                call(std::string("a\0b", 3), no_arguments())),
                       TETHER_LUA_ERR_BAD_PAYLOAD, "NUL");
}

TEST_F(LuaLibrary, WatchTakesAtMostItsNamesPerLane) {
  Lua lua;
  expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                     load("for i = 1, 64 do tether.watch({}, 'w' .. i) end\n"
                          "tether.watch({}, 'w1')  -- a name again is fine")));
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_LOAD, load("tether.watch({}, 'one more')")),
      TETHER_LUA_ERR_RUNTIME, "at most 64 names per lane");
  expect_library_error(
      lua.call(TETHER_LUA_METHOD_LOAD, load("tether.watch(1, 'x')")),
      TETHER_LUA_ERR_RUNTIME, "table expected");
}

TEST_F(LuaLibrary, EveryLaneHasItsOwnVmClosedAtShutdown) {
  int64_t created = 0;
  {
    Lua lua(3);
    const std::vector<int64_t> counters = info(lua);
    created = counters.at(3);
    EXPECT_EQ(counters.at(4), 3);  // alive: this runtime's three
    // Globals are per VM: a chunk loaded with one key is not seen from a
    // lane another key reaches.
    expect_ok(lua.call(TETHER_LUA_METHOD_LOAD, load("mine = true"), 1));
    uint64_t other = 2;
    while (info(lua, other).at(0) == info(lua, 1).at(0)) ++other;
    expect_ok(lua.call(TETHER_LUA_METHOD_LOAD,
                       load("assert(mine == nil, 'shared globals')"), other));
  }
  Lua lua(2);
  const std::vector<int64_t> counters = info(lua);
  EXPECT_EQ(counters.at(3), created + 2);
  EXPECT_EQ(counters.at(4), 2);  // the three before were closed
  EXPECT_EQ(counters.at(2), 0);  // no violation
}

// A library that enters its VM from a thread of its own, to show the check
// counts it.
class StrayLane {
 public:
  explicit StrayLane(tether::Lane& lane) : lua_(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == 100) {
      std::thread([this] { lua_.vm().on_own_thread("a stray thread"); }).join();
      lua_.vm().lane().reply(request, "");
      return;
    }
    lua_.handle(request);
  }

 private:
  tether_lua::LuaLane lua_;
};

TEST_F(LuaLibrary, AnEntryFromAnotherThreadIsCountedAsAViolation) {
  Lua lua(1, tether::library_table<StrayLane>("lua-stray"));
  const int64_t before = info(lua).at(2);
  expect_ok(lua.call(100, ""));
  EXPECT_EQ(info(lua).at(2), before + 1);
}

}  // namespace
