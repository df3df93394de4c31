#include "recorder/line_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace tether::recorder {
namespace {

// Everything written to `fd` from the start.
std::string ReadBack(FILE* file) {
  std::rewind(file);
  std::string text;
  for (int c; (c = std::fgetc(file)) != EOF;)
    text.push_back(static_cast<char>(c));
  return text;
}

TEST(LineWriterTest, WritesNumbersHexAndJsonStrings) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    LineWriter out(fileno(file));
    const unsigned char bytes[] = {0x00, 0xab, 0xff};
    out.number(0).text(" ").number(UINT64_MAX).text(" ");
    out.signed_number(-42).text(" ").signed_number(INT64_MIN).text(" ");
    out.hex64(0x1234).text(" ").hex_bytes(bytes, 3).text(" ");
    out.json_string("a\"b\\c\n\x01");
  }  // flushed as it goes out of scope
  EXPECT_EQ(ReadBack(file),
            "0 18446744073709551615 -42 -9223372036854775808 "
            "0000000000001234 00abff \"a\\\"b\\\\c\\u000a\\u0001\"");
  std::fclose(file);
}

TEST(LineWriterTest, OutputLargerThanItsBufferArrivesWhole) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  std::string expected;
  {
    LineWriter out(fileno(file));
    for (int i = 0; i < 3000; ++i) {
      out.number(static_cast<uint64_t>(i)).text("\n");
      expected += std::to_string(i) + "\n";
    }
    EXPECT_TRUE(out.flush());
  }
  EXPECT_EQ(ReadBack(file), expected);
  std::fclose(file);
}

TEST(LineWriterTest, AFailedWriteIsRememberedAndLaterOutputDropped) {
  int read_only = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(read_only, 0);
  LineWriter out(read_only);
  out.text("lost");
  EXPECT_FALSE(out.flush());
  EXPECT_EQ(out.error(), EBADF);
  out.text("also lost");
  EXPECT_FALSE(out.flush());
  close(read_only);
}

}  // namespace
}  // namespace tether::recorder
