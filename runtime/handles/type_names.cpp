#include "handles/type_names.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "log/log.h"

namespace tether {
namespace {

constexpr const char* kDefaultName = "object";
constexpr const char* kOverflowName = "(too many handle types)";

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

struct Names {
  std::mutex mutex;
  // Node-based: the strings never move, so their c_str() stay valid.
  std::unordered_set<std::string, NameHash, std::equal_to<>> names;
  bool overflow_logged = false;
};

Names& names() {
  // Never destroyed: handles may be reported from other static destructors.
  static auto* instance = new Names();
  return *instance;
}

// This thread's last interned name. The text is compared, not the caller's
// pointer: a module loaded where an unloaded one was may reuse its address
// for another string.
thread_local const char* t_last = nullptr;

}  // namespace

const char* intern_type_name(const char* name) {
  if (name == nullptr) return kDefaultName;
  std::string_view text(name, strnlen(name, kMaxTypeNameLength));
  if (t_last != nullptr && text == t_last) return t_last;
  Names& table = names();
  bool overflow = false;
  const char* interned = kOverflowName;
  {
    std::lock_guard<std::mutex> lock(table.mutex);
    auto found = table.names.find(text);
    if (found != table.names.end()) {
      interned = found->c_str();
    } else if (table.names.size() < kMaxTypeNames) {
      interned = table.names.emplace(text).first->c_str();
    } else {
      overflow = !table.overflow_logged;
      table.overflow_logged = true;
    }
  }
  if (overflow) {
    TETHER_LOG_WARNING(
        "handle_new: more than %zu distinct handle types; new types are "
        "reported as \"%s\" (a type should name a kind of object)",
        kMaxTypeNames, kOverflowName);
  }
  t_last = interned;
  return interned;
}

}  // namespace tether
