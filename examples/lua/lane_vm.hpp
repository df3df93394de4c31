// One lane's Lua VM: a lua_State made on the lane and closed on it, with
// the checks and gauges that make its use and its growth visible.
//
// Thread check: the VM remembers the thread that made it (the lane) and
// checks the calling thread on every entry: each request, the allocator
// (every allocation the VM makes), the instruction hook and tether.watch.
// A call from any other thread is a violation, counted process-wide
// (thread_violations()) and logged once per VM. tether runs a library only
// on its lanes, so the count stays 0; a host that reached a VM directly
// would show up here.
//
// Budget and cancellation: while armed for a request, an instruction-count
// hook stops the script (a Lua error) past its instruction budget or once
// the request is cancelled or past its deadline (is_cancelled); from then
// on until the next arm() it raises at every instruction, so pcall in the
// script cannot keep it going.
//
// Gauges: report_gauges() sets "lua stack top", "lua memory KiB",
// "lua registry entries" and one "lua table 'NAME'" per name given to
// tether.watch, for tether's growth watch. The first two are read after
// every call; entries are counted by walking the tables, so they are
// counted after a call only once the calls since the last count reach
// 1/64 of the entries counted then (at most 64 entries walked per call).
//
// Not thread-safe: every method runs on the lane that made the VM, except
// the process-wide counters, which are thread-safe.
#ifndef TETHER_EXAMPLES_LUA_LANE_VM_HPP
#define TETHER_EXAMPLES_LUA_LANE_VM_HPP

#include <pthread.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lua.hpp"
#include "tether/library.hpp"

namespace tether_lua {

// Why the hook stopped a script.
enum class Stop { kNone, kBudget, kCancelled };

class LaneVm {
 public:
  // REQUIRES: on `lane`'s thread (lane start). Throws std::runtime_error
  // when the VM or a gauge cannot be made.
  explicit LaneVm(tether::Lane& lane);
  ~LaneVm();
  LaneVm(const LaneVm&) = delete;
  LaneVm& operator=(const LaneVm&) = delete;

  lua_State* state() const { return state_; }
  tether::Lane& lane() const { return lane_; }

  // Counts a violation (and logs the first) unless called on the VM's own
  // thread; returns whether it was.
  bool on_own_thread(const char* where);

  // Arms the hook for `request`, allowing `budget` instructions (0: the
  // default). Disarm when the script is done.
  void arm(uint64_t request, uint64_t budget);
  void disarm();
  Stop stop() const { return stop_; }
  uint64_t budget() const { return budget_; }

  // Sets every gauge to the VM's state now. REQUIRES: no script running.
  void report_gauges();

  // The slot for a watched-table name, registering its gauge on first use;
  // -1 when TETHER_LUA_MAX_WATCH_NAMES names are taken or registering
  // failed. Never throws.
  int watch_slot(std::string_view name) noexcept;

  // Bytes the VM holds, as its allocator counts them.
  uint64_t bytes() const { return bytes_; }
  uint64_t calls() const { return calls_; }
  void count_call() { ++calls_; }

  // Process-wide: entries from a thread other than the VM's; VMs made
  // since the process started; VMs not yet closed. Thread-safe.
  static uint64_t thread_violations();
  static uint64_t vms_created();
  static uint64_t vms_alive();

  // The LaneVm that owns `state`. REQUIRES: a state made by a LaneVm.
  static LaneVm* of(lua_State* state);

 private:
  struct Watched {
    std::string name;
    uint32_t gauge;
  };

  static void* allocate(void* ud, void* ptr, size_t old_size, size_t size);
  static void hook(lua_State* state, lua_Debug* debug);
  void install_tether_table();
  uint64_t registry_entries();
  void count_watched(std::vector<uint64_t>* entries);

  tether::Lane& lane_;
  const pthread_t owner_;
  bool violation_logged_ = false;
  lua_State* state_ = nullptr;
  uint64_t bytes_ = 0;
  uint64_t calls_ = 0;

  bool armed_ = false;
  uint64_t request_ = 0;
  uint64_t budget_ = 0;
  uint64_t used_ = 0;
  Stop stop_ = Stop::kNone;
  bool every_instruction_ = false;  // the hook runs at every instruction

  uint32_t stack_gauge_ = 0;
  uint32_t registry_gauge_ = 0;
  uint32_t memory_gauge_ = 0;
  std::vector<Watched> watched_;
  std::vector<uint64_t> watched_entries_;  // reused by report_gauges
  static constexpr uint64_t kRecountShare = 64;
  uint64_t counted_entries_ = 0;  // registry and watched, at the last count
  uint64_t calls_since_count_ = 0;
};

}  // namespace tether_lua

#endif  // TETHER_EXAMPLES_LUA_LANE_VM_HPP
