// A library tether loads by path (tether_runtime_open_path). It links no
// tether code: replies go through the host functions of library.hpp.
#include "tether/library.hpp"

namespace {

// Method 1 echoes the payload; anything else is a library error.
struct ModuleShard {
  explicit ModuleShard(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == 1) {
      lane.reply(request, request.payload());
    } else {
      lane.reply_error(request, 404, "unknown method");
    }
  }
  tether::Lane& lane;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const tether_library*
tether_test_module_entry() {
  return tether::library_table<ModuleShard>("tether-test-module");
}

extern "C" __attribute__((visibility("default"))) const tether_library*
tether_test_module_null_entry() {
  return nullptr;
}
