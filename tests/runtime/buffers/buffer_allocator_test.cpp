#include "buffers/buffer_allocator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "tether/buffer.h"

namespace tether::buffers {
namespace {

TEST(BufferAllocatorTest, AllocatedBuffersAreLiveAlignedAndSized) {
  void* data = allocate(100);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 16, 0u);
  std::size_t size = 0;
  EXPECT_EQ(size_of(data, &size), Status::kOk);
  EXPECT_EQ(size, 100u);
  EXPECT_TRUE(is_live(data));
  EXPECT_EQ(release(data), Status::kOk);
  EXPECT_FALSE(is_live(data));
}

TEST(BufferAllocatorTest, ZeroBytesGivesAFreeablePointer) {
  void* data = allocate(0);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(release(data), Status::kOk);
}

TEST(BufferAllocatorTest, ForeignPointerIsReportedAndNotFreed) {
  void* foreign = std::malloc(64);
  std::memset(foreign, 0x5A, 64);
  EXPECT_EQ(release(foreign), Status::kForeignBuffer);
  // Still ours to use and free: tether neither freed nor wrote it.
  EXPECT_EQ(static_cast<unsigned char*>(foreign)[0], 0x5A);
  std::free(foreign);
}

TEST(BufferAllocatorTest, DoubleFreeIsReported) {
  void* data = allocate(16);
  ASSERT_EQ(release(data), Status::kOk);
  EXPECT_EQ(release(data), Status::kDoubleFree);
}

TEST(BufferAllocatorTest, OversizeRequestReturnsNull) {
  EXPECT_EQ(allocate(TETHER_BUF_MAX_SIZE + 1), nullptr);
}

TEST(BufferAllocatorTest, LiveTotalsFollowAllocations) {
  uint64_t count_before = 0, bytes_before = 0;
  live_totals(&count_before, &bytes_before);
  void* a = allocate(10);
  char* b = allocate_string("hello", 5);
  uint64_t count = 0, bytes = 0;
  live_totals(&count, &bytes);
  EXPECT_EQ(count, count_before + 2);
  EXPECT_EQ(bytes, bytes_before + 10 + 6);
  EXPECT_STREQ(b, "hello");
  release(a);
  release(b);
  live_totals(&count, &bytes);
  EXPECT_EQ(count, count_before);
  EXPECT_EQ(bytes, bytes_before);
}

}  // namespace
}  // namespace tether::buffers
