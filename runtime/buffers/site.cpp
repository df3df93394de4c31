#include "buffers/site.h"

#include <dlfcn.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace tether::buffers {

std::string describe(const Site& site) {
  if (site.tag != nullptr) return site.tag;
  if (site.return_address == nullptr) return "unknown";
  char text[512];
  Dl_info info{};
  if (dladdr(site.return_address, &info) == 0 || info.dli_fname == nullptr) {
    std::snprintf(text, sizeof text, "%p", site.return_address);
    return text;
  }
  const char* slash = std::strrchr(info.dli_fname, '/');
  const char* module = slash != nullptr ? slash + 1 : info.dli_fname;
  auto address = reinterpret_cast<uintptr_t>(site.return_address);
  auto offset = address - reinterpret_cast<uintptr_t>(info.dli_fbase);
  if (info.dli_sname != nullptr && info.dli_saddr != nullptr) {
    auto symbol_offset = address - reinterpret_cast<uintptr_t>(info.dli_saddr);
    std::snprintf(text, sizeof text, "%s+0x%" PRIxPTR " (%s+0x%" PRIxPTR ")",
                  module, offset, info.dli_sname, symbol_offset);
  } else {
    std::snprintf(text, sizeof text, "%s+0x%" PRIxPTR, module, offset);
  }
  return text;
}

}  // namespace tether::buffers
