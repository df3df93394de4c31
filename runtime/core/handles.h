// The opaque handles hosts hold. Each holds a reference to the runtime, so
// whichever is destroyed last frees it.
#ifndef TETHER_RUNTIME_CORE_HANDLES_H_
#define TETHER_RUNTIME_CORE_HANDLES_H_

#include <memory>

#include "core/runtime.h"

struct tether_runtime {
  std::shared_ptr<tether::Runtime> runtime;
};

struct tether_stream {
  std::shared_ptr<tether::Runtime> runtime;
  tether::ProducerPort* port;
};

#endif  // TETHER_RUNTIME_CORE_HANDLES_H_
