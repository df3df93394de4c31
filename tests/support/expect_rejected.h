// EXPECT_REJECTED(expr, status): `expr` returns `status` and logs at least
// one line. Used inside a fixture that owns a LogCapture named log_.
#ifndef TETHER_TESTS_SUPPORT_EXPECT_REJECTED_H
#define TETHER_TESTS_SUPPORT_EXPECT_REJECTED_H

#include <gtest/gtest.h>

#include "log_capture.h"

#define EXPECT_REJECTED(expr, expected)                                \
  do {                                                                 \
    const size_t lines_before = log_.count();                          \
    EXPECT_EQ((expr), (expected));                                     \
    EXPECT_GT(log_.count(), lines_before) << "nothing logged: " #expr; \
  } while (0)

#endif  // TETHER_TESTS_SUPPORT_EXPECT_REJECTED_H
