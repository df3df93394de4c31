// The interned copies of the type names libraries give their handles
// (handle_new's `type`). A library's string may live in a module that is
// unloaded while reports still name its handles, so the table keeps its own
// copy, made once when a name is first seen, until the process exits.
//
// Thread safety: thread-safe. A thread remembers the last name it interned,
// so a library that makes many handles of one type takes the table's lock
// once per thread, not once per handle.
//
// Invariants: at most kMaxTypeNames distinct names are kept (a type names a
// kind of object, not an object); each is cut to kMaxTypeNameLength bytes.
// Past the limit every new name maps to "(too many handle types)", logged
// once.
#ifndef TETHER_RUNTIME_HANDLES_TYPE_NAMES_H_
#define TETHER_RUNTIME_HANDLES_TYPE_NAMES_H_

#include <cstddef>

namespace tether {

inline constexpr std::size_t kMaxTypeNames = 1024;
inline constexpr std::size_t kMaxTypeNameLength = 127;

// The interned copy of `name` ("object" for nullptr). Equal texts give
// equal pointers. Thread-safe; may allocate (throws std::bad_alloc).
const char* intern_type_name(const char* name);

}  // namespace tether

#endif  // TETHER_RUNTIME_HANDLES_TYPE_NAMES_H_
