// tether-replay's command line.
#include "options.h"

#include <gtest/gtest.h>

namespace tether::replay {
namespace {

std::string error_of(const std::vector<std::string>& args) {
  Options options;
  std::string error;
  EXPECT_FALSE(parse_options(args, &options, &error));
  return error;
}

TEST(OptionsTest, ReadsEveryOptionInBothForms) {
  Options options;
  std::string error;
  ASSERT_TRUE(
      parse_options({"--library", "lib.so", "--symbol=entry", "--lanes=3",
                     "--pace", "--timeout-ms", "250", "--quiet", "rec.jsonl"},
                    &options, &error))
      << error;
  EXPECT_EQ(options.library, "lib.so");
  EXPECT_EQ(options.symbol, "entry");
  EXPECT_EQ(options.lanes, 3u);
  EXPECT_TRUE(options.pace);
  EXPECT_EQ(options.timeout_ms, 250u);
  EXPECT_TRUE(options.quiet);
  EXPECT_EQ(options.recording, "rec.jsonl");
}

TEST(OptionsTest, DefaultsToTheRecordingsLanesAndTenSeconds) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse_options({"--library", "l", "--symbol", "s", "--", "-r"},
                            &options, &error))
      << error;
  EXPECT_EQ(options.lanes, 0u);
  EXPECT_EQ(options.timeout_ms, 10000u);
  EXPECT_FALSE(options.pace);
  EXPECT_FALSE(options.quiet);
  EXPECT_EQ(options.recording, "-r");
}

TEST(OptionsTest, RefusesBadUsage) {
  EXPECT_EQ(error_of({"--symbol", "s", "r"}), "--library is required");
  EXPECT_EQ(error_of({"--library", "l", "r"}), "--symbol is required");
  EXPECT_EQ(error_of({"--library", "l", "--symbol", "s"}),
            "no recording given");
  EXPECT_EQ(error_of({"--library", "l", "--symbol", "s", "a", "b"}),
            "more than one recording given");
  EXPECT_EQ(error_of({"--library", "l", "--symbol", "s", "--speed", "r"}),
            "unknown option --speed");
  EXPECT_EQ(error_of({"--library"}), "--library needs a value");
  EXPECT_EQ(error_of({"--lanes", "0"}),
            "--lanes: expected 1 to 256, got \"0\"");
  EXPECT_EQ(error_of({"--lanes=257"}),
            "--lanes: expected 1 to 256, got \"257\"");
  EXPECT_EQ(error_of({"--timeout-ms", "-5"}),
            "--timeout-ms: expected a positive number of milliseconds, got "
            "\"-5\"");
  EXPECT_EQ(error_of({"--timeout-ms", "0"}),
            "--timeout-ms: expected a positive number of milliseconds, got "
            "\"0\"");
}

}  // namespace
}  // namespace tether::replay
