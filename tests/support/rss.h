#ifndef TETHER_TESTS_SUPPORT_RSS_H
#define TETHER_TESTS_SUPPORT_RSS_H

#include <cstdint>

namespace tether_test {

// Resident set size of this process in bytes, from /proc/self/statm; 0 if
// it cannot be read.
uint64_t ResidentBytes();

}  // namespace tether_test

#endif  // TETHER_TESTS_SUPPORT_RSS_H
