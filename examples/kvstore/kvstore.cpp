// The library's entry point: the one symbol this module exports.
#include "kvstore.h"

#include "shard.hpp"
#include "tether/library.hpp"

extern "C" __attribute__((visibility("default"))) const tether_library*
tether_kvstore_library(void) {
  return tether::library_table<kvstore::Shard>("kvstore");
}
