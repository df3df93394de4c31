#include "lane_vm.hpp"

#include <atomic>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include "lua_api_check.hpp"
#include "lua_protocol.h"
#include "tether/log.h"

namespace tether_lua {

namespace {

std::atomic<uint64_t> g_violations{0};
std::atomic<uint64_t> g_created{0};
std::atomic<uint64_t> g_alive{0};

// The registry key of the weak-keyed table of watched tables (table ->
// slot in LaneVm::watched_).
const char kWatchedKey = 0;

// tether.watch(t, name): returns t.
int lua_watch(lua_State* state) {
  LaneVm* vm = LaneVm::of(state);
  vm->on_own_thread("tether.watch");
  luaL_checktype(state, 1, LUA_TTABLE);
  size_t length = 0;
  const char* name = luaL_checklstring(state, 2, &length);
  int slot = vm->watch_slot(std::string_view(name, length));
  if (slot < 0) {
    return luaL_error(state,
                      "tether.watch: no gauge for '%s' (at most %d names "
                      "per lane)",
                      name, TETHER_LUA_MAX_WATCH_NAMES);
  }
  lua_rawgetp(state, LUA_REGISTRYINDEX, &kWatchedKey);
  lua_pushvalue(state, 1);
  lua_pushinteger(state, slot);
  lua_rawset(state, -3);
  lua_settop(state, 1);
  return 1;
}

uint64_t entries_of(lua_State* state, int table) {
  uint64_t count = 0;
  lua_pushnil(state);
  while (lua_next(state, table) != 0) {
    ++count;
    lua_pop(state, 1);
  }
  return count;
}

}  // namespace

LaneVm::LaneVm(tether::Lane& lane) : lane_(lane), owner_(pthread_self()) {
  const std::string foreign = foreign_lua_api();
  if (!foreign.empty()) throw std::runtime_error(foreign);
  state_ = lua_newstate(&LaneVm::allocate, this);
  if (state_ == nullptr) throw std::runtime_error("lua_newstate failed");
  *static_cast<LaneVm**>(lua_getextraspace(state_)) = this;
  g_created.fetch_add(1, std::memory_order_relaxed);
  g_alive.fetch_add(1, std::memory_order_relaxed);
  try {
    stack_gauge_ = lane.register_gauge("lua stack top");
    registry_gauge_ = lane.register_gauge("lua registry entries");
    memory_gauge_ = lane.register_gauge("lua memory KiB");
  } catch (...) {
    lua_close(state_);
    g_alive.fetch_sub(1, std::memory_order_relaxed);
    throw;
  }
  // Opening the libraries and the tether table can only fail for memory;
  // done under a protected call so that failure is an exception here.
  lua_pushcfunction(state_, [](lua_State* state) -> int {
    luaL_openlibs(state);
    LaneVm::of(state)->install_tether_table();
    return 0;
  });
  if (lua_pcall(state_, 0, 0, 0) != LUA_OK) {
    lua_close(state_);
    g_alive.fetch_sub(1, std::memory_order_relaxed);
    throw std::runtime_error("opening the Lua libraries failed");
  }
  lua_sethook(state_, &LaneVm::hook, LUA_MASKCOUNT, TETHER_LUA_HOOK_EVERY);
}

LaneVm::~LaneVm() {
  on_own_thread("lane stop");
  lua_close(state_);
  g_alive.fetch_sub(1, std::memory_order_relaxed);
}

// Runs inside a protected call: may raise (memory).
void LaneVm::install_tether_table() {
  lua_newtable(state_);  // the weak-keyed table of watched tables
  lua_createtable(state_, 0, 1);
  lua_pushliteral(state_, "k");
  lua_setfield(state_, -2, "__mode");
  lua_setmetatable(state_, -2);
  lua_rawsetp(state_, LUA_REGISTRYINDEX, &kWatchedKey);

  lua_createtable(state_, 0, 2);
  lua_pushinteger(state_, static_cast<lua_Integer>(lane_.index()));
  lua_setfield(state_, -2, "lane");
  lua_pushcfunction(state_, &lua_watch);
  lua_setfield(state_, -2, "watch");
  lua_setglobal(state_, "tether");
}

LaneVm* LaneVm::of(lua_State* state) {
  return *static_cast<LaneVm**>(lua_getextraspace(state));
}

bool LaneVm::on_own_thread(const char* where) {
  if (pthread_equal(pthread_self(), owner_) != 0) return true;
  g_violations.fetch_add(1, std::memory_order_relaxed);
  if (!violation_logged_) {
    violation_logged_ = true;
    lane_.log(TETHER_LOG_ERROR,
              std::string("the VM of lane ") + std::to_string(lane_.index()) +
                  " was entered from another thread (" + where + ")");
  }
  return false;
}

void* LaneVm::allocate(void* ud, void* ptr, size_t old_size, size_t size) {
  auto* vm = static_cast<LaneVm*>(ud);
  vm->on_own_thread("allocator");
  // old_size is the block's size only when ptr is not NULL (else a type).
  const uint64_t held = ptr != nullptr ? old_size : 0;
  if (size == 0) {
    std::free(ptr);
    vm->bytes_ -= held;
    return nullptr;
  }
  if (size > held && vm->bytes_ - held + size > TETHER_LUA_MAX_VM_BYTES) {
    return nullptr;
  }
  void* block = std::realloc(ptr, size);
  if (block == nullptr) return nullptr;
  vm->bytes_ = vm->bytes_ - held + size;
  return block;
}

void LaneVm::hook(lua_State* state, lua_Debug* /*debug*/) {
  LaneVm* vm = of(state);
  vm->on_own_thread("hook");
  if (!vm->armed_) return;
  vm->used_ += vm->every_instruction_ ? 1 : TETHER_LUA_HOOK_EVERY;
  if (vm->stop_ == Stop::kNone) {
    if (vm->used_ > vm->budget_) {
      vm->stop_ = Stop::kBudget;
    } else if (vm->lane_.cancelled(vm->request_)) {
      vm->stop_ = Stop::kCancelled;
    }
  }
  // Once stopped, raised at every instruction: a script that catches the
  // error with pcall meets it again at its next instruction outside, up to
  // the top (checking every 1000 instructions, the loop around a pcall
  // could always be caught inside it).
  if (vm->stop_ != Stop::kNone && !vm->every_instruction_) {
    vm->every_instruction_ = true;
    lua_sethook(state, &LaneVm::hook, LUA_MASKCOUNT, 1);
  }
  switch (vm->stop_) {
    case Stop::kBudget:
      // lua_pushfstring knows %I (a lua_Integer), not %llu.
      luaL_error(state, "stopped: ran past its budget of %I instructions",
                 static_cast<lua_Integer>(vm->budget_));
      break;
    case Stop::kCancelled:
      luaL_error(state,
                 "stopped: the call was cancelled or passed its "
                 "deadline");
      break;
    case Stop::kNone:
      break;
  }
}

void LaneVm::arm(uint64_t request, uint64_t budget) {
  armed_ = true;
  request_ = request;
  budget_ = budget == 0 ? TETHER_LUA_DEFAULT_BUDGET : budget;
  used_ = 0;
  stop_ = Stop::kNone;
  if (every_instruction_) {
    every_instruction_ = false;
    lua_sethook(state_, &LaneVm::hook, LUA_MASKCOUNT, TETHER_LUA_HOOK_EVERY);
  }
}

void LaneVm::disarm() { armed_ = false; }

int LaneVm::watch_slot(std::string_view name) noexcept {
  for (std::size_t i = 0; i < watched_.size(); ++i) {
    if (watched_[i].name == name) return static_cast<int>(i);
  }
  if (watched_.size() >= TETHER_LUA_MAX_WATCH_NAMES) return -1;
  try {
    std::string copy(name);
    uint32_t gauge = lane_.register_gauge("lua table '" + copy + "'");
    watched_.push_back({std::move(copy), gauge});
    watched_entries_.resize(watched_.size());
    return static_cast<int>(watched_.size() - 1);
  } catch (...) {
    return -1;
  }
}

uint64_t LaneVm::registry_entries() {
  return entries_of(state_, LUA_REGISTRYINDEX);
}

void LaneVm::count_watched(std::vector<uint64_t>* entries) {
  for (uint64_t& count : *entries) count = 0;
  lua_rawgetp(state_, LUA_REGISTRYINDEX, &kWatchedKey);
  const int watched = lua_gettop(state_);
  lua_pushnil(state_);
  while (lua_next(state_, watched) != 0) {
    // key: a watched table; value: its slot.
    const lua_Integer slot = lua_tointeger(state_, -1);
    if (slot >= 0 && static_cast<std::size_t>(slot) < entries->size()) {
      (*entries)[static_cast<std::size_t>(slot)] +=
          entries_of(state_, lua_absindex(state_, -2));
    }
    lua_pop(state_, 1);
  }
  lua_pop(state_, 1);
}

void LaneVm::report_gauges() {
  on_own_thread("report_gauges");
  lane_.set_gauge(stack_gauge_, static_cast<uint64_t>(lua_gettop(state_)));
  lane_.set_gauge(memory_gauge_,
                  static_cast<uint64_t>(lua_gc(state_, LUA_GCCOUNT)));
  // Counting entries walks every table counted: done after a call only
  // when the calls since the last count reach 1/kRecountShare of the
  // entries counted then, so it costs at most kRecountShare entries per
  // call, and a table that only grows is still seen at every boundary
  // (late by that many calls at most).
  if (++calls_since_count_ < counted_entries_ / kRecountShare) return;
  calls_since_count_ = 0;
  // The counting pushes at most four slots; lua_next and lua_raw* raise
  // nothing, so this needs no protected call.
  if (lua_checkstack(state_, 4) == 0) return;
  const uint64_t registry = registry_entries();
  lane_.set_gauge(registry_gauge_, registry);
  count_watched(&watched_entries_);
  counted_entries_ = registry;
  for (std::size_t i = 0; i < watched_.size(); ++i) {
    lane_.set_gauge(watched_[i].gauge, watched_entries_[i]);
    counted_entries_ += watched_entries_[i];
  }
}

uint64_t LaneVm::thread_violations() {
  return g_violations.load(std::memory_order_relaxed);
}
uint64_t LaneVm::vms_created() {
  return g_created.load(std::memory_order_relaxed);
}
uint64_t LaneVm::vms_alive() { return g_alive.load(std::memory_order_relaxed); }

}  // namespace tether_lua
