// Finding and checking a library's table: linked in, or loaded by path and
// symbol. The table is copied (up to the library's struct_size), so fields a
// newer tether adds read as zero for an older library.
#ifndef TETHER_RUNTIME_CORE_LIBRARY_LOADER_H_
#define TETHER_RUNTIME_CORE_LIBRARY_LOADER_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "tether/library.h"

namespace tether {

struct LoadedLibrary {
  tether_library table{};
  std::string name;
  // dlclose()s when the last holder lets go; null for a linked library.
  std::shared_ptr<void> module;
};

Status load_linked_library(const tether_library* table, LoadedLibrary* out,
                           std::string* error);

Status load_library_from_path(const char* path, const char* symbol,
                              LoadedLibrary* out, std::string* error);

// Sets *out to a reference that keeps loaded the shared object holding
// `code` (dladdr, then dlopen with RTLD_NOLOAD; dlclose when the last holder
// lets go), or to null for the main program, for nullptr, or when no loaded
// object holds it. kNoMemory (and *out null, nothing held) when memory is
// exhausted. Never throws. Takes the dynamic loader's lock. Thread-safe.
Status module_holding(const void* code, std::shared_ptr<const void>* out);

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_LIBRARY_LOADER_H_
