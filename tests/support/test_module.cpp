// A library tether loads by path (tether_runtime_open_path). It links no
// tether code: replies go through the host functions of library.hpp.
#include <cstdint>
#include <cstring>
#include <thread>

#include "tether/library.hpp"

namespace {

// Destroys a handle's object, here in the module: the object is a counter
// the host owns, so the host sees whether (and how often) this ran.
void count_destroy(void* object) {
  __atomic_fetch_add(static_cast<uint64_t*>(object), 1, __ATOMIC_SEQ_CST);
}

// Method 1 echoes the payload. Method 2 takes the address of a host's
// uint64_t counter (8 bytes) and replies with a new handle of type
// "module-object" whose destroy increments it; method 3 does the same but
// makes the handle on a thread of the module's own, off any lane. Anything
// else is a library error.
struct ModuleShard {
  explicit ModuleShard(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == 1) {
      lane.reply(request, request.payload());
    } else if ((request.method() == 2 || request.method() == 3) &&
               request.payload().size() == sizeof(void*)) {
      void* counter = nullptr;
      std::memcpy(&counter, request.payload().data(), sizeof counter);
      uint64_t handle = 0;
      auto make = [&] {
        lane.api()->handle_new(counter, &count_destroy, "module-object",
                               &handle);
      };
      if (request.method() == 2) {
        make();
      } else {
        std::thread(make).join();
      }
      lane.reply(request, std::string_view(reinterpret_cast<char*>(&handle),
                                           sizeof handle));
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
