#include "core/library_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>

namespace tether {
namespace {

constexpr std::size_t kLibraryV1Size =
    offsetof(tether_library, lane_stop) + sizeof(tether_library::lane_stop);

}  // namespace

Status load_linked_library(const tether_library* table, LoadedLibrary* out,
                           std::string* error) {
  if (table == nullptr) {
    *error = "the library table is NULL";
    return Status::kInvalidArg;
  }
  if (table->struct_size < kLibraryV1Size) {
    *error = "the library table's struct_size (" +
             std::to_string(table->struct_size) + ") is smaller than version 1";
    return Status::kInvalidArg;
  }
  if (table->struct_size > sizeof(tether_library)) {
    *error = "the library table's struct_size (" +
             std::to_string(table->struct_size) +
             ") is newer than this tether knows (" +
             std::to_string(sizeof(tether_library)) + ")";
    return Status::kVersion;
  }
  if (table->abi_version > TETHER_LIBRARY_ABI_VERSION) {
    *error = "the library was built for ABI version " +
             std::to_string(table->abi_version) + "; this tether knows " +
             std::to_string(TETHER_LIBRARY_ABI_VERSION);
    return Status::kVersion;
  }
  if (table->abi_version == 0) {
    *error = "the library table's abi_version is 0";
    return Status::kInvalidArg;
  }
  if (table->lane_start == nullptr || table->handle == nullptr) {
    *error = "the library table lacks lane_start or handle";
    return Status::kInvalidArg;
  }
  out->table = tether_library{};
  std::memcpy(&out->table, table,
              std::min(table->struct_size, sizeof(tether_library)));
  out->table.struct_size = sizeof(tether_library);
  out->name = table->name != nullptr ? table->name : "unnamed";
  return Status::kOk;
}

Status load_library_from_path(const char* path, const char* symbol,
                              LoadedLibrary* out, std::string* error) {
  if (path == nullptr || symbol == nullptr) {
    *error = "path and symbol must not be NULL";
    return Status::kInvalidArg;
  }
  void* module = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (module == nullptr) {
    const char* why = ::dlerror();
    *error = std::string("cannot load '") + path +
             "': " + (why != nullptr ? why : "unknown error");
    return Status::kLoad;
  }
  std::shared_ptr<void> holder(module, [](void* m) { ::dlclose(m); });
  ::dlerror();
  void* entry = ::dlsym(module, symbol);
  if (entry == nullptr) {
    const char* why = ::dlerror();
    *error = std::string("symbol '") + symbol + "' not found in '" + path +
             "'" + (why != nullptr ? std::string(": ") + why : "");
    return Status::kLoad;
  }
  auto entry_fn = reinterpret_cast<tether_library_entry_fn>(entry);
  const tether_library* table = entry_fn();
  if (table == nullptr) {
    *error = std::string("'") + symbol + "' in '" + path + "' returned NULL";
    return Status::kLoad;
  }
  Status status = load_linked_library(table, out, error);
  if (status != Status::kOk) {
    *error = std::string("'") + path + "': " + *error;
    return status == Status::kVersion ? status : Status::kLoad;
  }
  out->module = std::move(holder);
  return Status::kOk;
}

Status module_holding(const void* code, std::shared_ptr<const void>* out) {
  out->reset();
  Dl_info info{};
  if (code == nullptr || ::dladdr(code, &info) == 0 ||
      info.dli_fname == nullptr || info.dli_fname[0] == '\0') {
    return Status::kOk;
  }
  // The main program never unloads; dlopen by its path does not find it.
  void* module = ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (module == nullptr) return Status::kOk;
  try {
    *out = std::shared_ptr<const void>(
        module, [](const void* m) { ::dlclose(const_cast<void*>(m)); });
  } catch (const std::bad_alloc&) {
    return Status::kNoMemory;  // the constructor already ran the deleter
  }
  return Status::kOk;
}

}  // namespace tether
