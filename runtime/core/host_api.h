// The table of host functions every library receives at lane start.
#ifndef TETHER_RUNTIME_CORE_HOST_API_H_
#define TETHER_RUNTIME_CORE_HOST_API_H_

#include "tether/library.h"

namespace tether {

// Static storage; the same table for every runtime and lane (functions
// find their runtime through the lane they run on).
const tether_host_api* host_api();

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_HOST_API_H_
