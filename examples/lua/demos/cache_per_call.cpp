// The third incident, replayed on the Lua library: a gateway plugin built
// a fresh cache per request (scripts/plugin_cache_per_call.lua), so it
// never hit, and every cache stayed alive in the cache module's registry.
// The growth watch names the VM's memory ("lua memory KiB") and the
// watched registry ("lua table 'lrucache instances'") as they pass each
// power-of-two boundary. The fix (scripts/plugin_cache_per_lane.lua) builds
// one cache per lane when the plugin loads: lookups hit, memory stays flat,
// no growth-watch line. Two lanes: the plugin is loaded on each, as a
// gateway loads it in every worker.
#include <cstdio>
#include <string>
#include <vector>

#include "demo_host.hpp"
#include "lua_protocol.h"

namespace {

constexpr int kRequests = 10000;
constexpr int kRoutes = 50;
constexpr uint32_t kLanes = 2;

struct Totals {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t bytes = 0;  // the VMs', after a full collection
};

Totals replay(const char* plugin) {
  lua_demo::Host host(TETHER_LUA_MODULE, kLanes);
  const std::string lrucache =
      lua_demo::read_file(TETHER_LUA_SCRIPTS "/lrucache.lua");
  const std::string source = lua_demo::read_file(plugin);
  for (uint64_t key : host.lane_keys()) {
    for (const auto& [name, text] :
         {std::pair<const char*, const std::string&>{"lrucache.lua", lrucache},
          {plugin, source}}) {
      lua_demo::Reply loaded = host.call(TETHER_LUA_METHOD_LOAD, key,
                                         lua_demo::load_payload(name, text));
      if (loaded.status != TETHER_OK) lua_demo::fail("LOAD: " + loaded.bytes);
    }
  }
  std::vector<std::string> payloads;
  payloads.reserve(kRequests / kLanes);
  for (int i = 0; i < kRequests / static_cast<int>(kLanes); ++i) {
    payloads.push_back(lua_demo::call_payload(
        "access", {"/api/route/" + std::to_string(i % kRoutes)}));
  }
  Totals totals;
  for (uint64_t key : host.lane_keys()) {
    host.pipeline(TETHER_LUA_METHOD_CALL, key, payloads, 64);
    lua_demo::Reply counts = host.call(TETHER_LUA_METHOD_CALL, key,
                                       lua_demo::call_payload("counts", {}));
    if (counts.status != TETHER_OK) lua_demo::fail("counts: " + counts.bytes);
    const std::vector<int64_t> values = lua_demo::integers(counts.bytes);
    totals.hits += values.at(0);
    totals.misses += values.at(1);
    lua_demo::Reply gc = host.call(TETHER_LUA_METHOD_GC, key,
                                   std::string(1, TETHER_LUA_GC_COLLECT));
    if (gc.status != TETHER_OK) lua_demo::fail("GC: " + gc.bytes);
    totals.bytes += lua_demo::integers(gc.bytes).at(0);
  }
  return totals;
}

void print(const char* when, const Totals& totals, int lines) {
  std::printf(
      "%s: %d requests on %u lanes, %lld hits, %lld misses, VMs hold %lld "
      "KiB, %d growth-watch lines\n",
      when, kRequests, kLanes, static_cast<long long>(totals.hits),
      static_cast<long long>(totals.misses),
      static_cast<long long>(totals.bytes / 1024), lines);
}

}  // namespace

int main() {
  lua_demo::GrowthLog log;
  log.phase("before: a fresh cache per request");
  const Totals leaky = replay(TETHER_LUA_SCRIPTS "/plugin_cache_per_call.lua");
  const int leaky_lines = log.growth_lines();
  print("before", leaky, leaky_lines);

  log.phase("after: one cache per lane");
  const Totals fixed = replay(TETHER_LUA_SCRIPTS "/plugin_cache_per_lane.lua");
  const int fixed_lines = log.growth_lines();
  print("after", fixed, fixed_lines);
  if (leaky.hits != 0 || leaky_lines < 2 || fixed_lines != 0 ||
      fixed.hits != kRequests - kRoutes * static_cast<int>(kLanes) ||
      fixed.bytes >= leaky.bytes) {
    lua_demo::fail("the demo did not show what it promises");
  }
  std::printf(
      "ok: the cache per request was named as memory grew; one cache per lane "
      "stayed silent\n");
  return 0;
}
