// The registry's memory of freed buffers: a double free is told apart from a
// foreign pointer only while the freed block's address cannot belong to
// anything else, and only for as long as tether/buffer.h says.
#include <cstdlib>
#include <vector>

#include "buffer_test_fixture.h"
#include "buffers/block_layout.h"
#include "buffers/block_registry.h"
#include "buffers/buffer_allocator.h"
#include "buffers/site_tags.h"
#include "tether/buffer.h"

namespace tether::buffers {
namespace {

using RememberedFreesTest = BufferModeTest;

Site tag(const char* text) { return Site{intern_site_tag(text), nullptr}; }

// Frees buffers of `size` bytes until `count` of them were freed in the
// registry shard of `data`, and lets them leave the quarantine. Buffers of
// other shards stay live until the end: freed at once, each would let an
// older block of its shard go back to malloc, and the next allocation would
// get that block's address, in that shard, again.
void free_into_shard_of(const void* data, std::size_t count, std::size_t size) {
  const std::size_t shard = registry_shard_of(data);
  std::vector<void*> elsewhere;
  while (count != 0) {
    void* other = allocate(size);
    ASSERT_NE(other, nullptr);
    if (registry_shard_of(other) != shard) {
      elsewhere.push_back(other);
      continue;
    }
    --count;
    ASSERT_EQ(release(other), Status::kOk);
  }
  ASSERT_EQ(drain_quarantine(), Status::kOk);
  for (void* other : elsewhere) ASSERT_EQ(release(other), Status::kOk);
}

TEST_P(RememberedFreesTest, MallocCannotHandOutAFreedBufferTetherStillNames) {
  constexpr std::size_t kSize = 48;
  auto* data = static_cast<unsigned char*>(allocate_at(kSize, tag("old")));
  ASSERT_EQ(release(data), Status::kOk);
  ASSERT_EQ(drain_quarantine(), Status::kOk);
  // What the host allocates next, in the block's size: glibc hands a chunk
  // just freed straight back to the next request of its size.
  const std::size_t block = block_bytes(GetParam(), kSize);
  std::vector<unsigned char*> host;
  bool host_owns_the_address = false;
  for (int i = 0; i < 64; ++i) {
    auto* memory = static_cast<unsigned char*>(std::malloc(block));
    ASSERT_NE(memory, nullptr);
    host.push_back(memory);
    if (memory <= data && data < memory + block) host_owns_the_address = true;
  }
  const uint64_t double_frees = problems(TETHER_BUF_PROBLEM_DOUBLE_FREE);
  Status status = release(data);
  if (host_owns_the_address) {
    // The host's memory, not an old buffer: never named as a double free.
    EXPECT_EQ(status, Status::kForeignBuffer);
    EXPECT_EQ(problems(TETHER_BUF_PROBLEM_DOUBLE_FREE), double_frees);
  } else {
    EXPECT_EQ(status, Status::kDoubleFree);
    EXPECT_NE(log_.line_with("double free").find("allocated at old"),
              std::string::npos);
  }
  for (unsigned char* memory : host) std::free(memory);
}

TEST_P(RememberedFreesTest, DoubleFreeIsNamedUntil256LaterFreesInItsShard) {
  void* data = allocate(1);
  ASSERT_EQ(release(data), Status::kOk);
  ASSERT_NO_FATAL_FAILURE(free_into_shard_of(data, 255, 1));
  EXPECT_EQ(release(data), Status::kDoubleFree);
  ASSERT_NO_FATAL_FAILURE(free_into_shard_of(data, 1, 1));
  EXPECT_EQ(release(data), Status::kForeignBuffer);
}

TEST_P(RememberedFreesTest, TheRegistryRemembers8192FreesInAll) {
  // The number tether/buffer.h states.
  EXPECT_EQ(kRegistryShards * kRememberedFreesPerShard, 8192u);
}

TEST_P(RememberedFreesTest, DoubleFreeOfABlockOver64KiBIsForeign) {
  void* data = allocate(kRememberedBytesPerShard);
  ASSERT_EQ(release(data), Status::kOk);
  ASSERT_EQ(drain_quarantine(), Status::kOk);
  EXPECT_EQ(release(data), Status::kForeignBuffer);
}

TEST_P(RememberedFreesTest, OlderFreesAreForgottenToStayWithin64KiBAShard) {
  // About 4 KiB blocks: `fit` of them fill a shard's 64 KiB.
  constexpr std::size_t kSize = 4000;
  const std::size_t fit =
      kRememberedBytesPerShard / block_bytes(GetParam(), kSize);
  void* data = allocate(kSize);
  ASSERT_EQ(release(data), Status::kOk);
  ASSERT_NO_FATAL_FAILURE(free_into_shard_of(data, fit - 1, kSize));
  EXPECT_EQ(release(data), Status::kDoubleFree);
  ASSERT_NO_FATAL_FAILURE(free_into_shard_of(data, 1, kSize));
  EXPECT_EQ(release(data), Status::kForeignBuffer);
}

INSTANTIATE_TEST_SUITE_P(BothModes, RememberedFreesTest,
                         ::testing::Values(Mode::kRelease, Mode::kDebug),
                         mode_test_name);

}  // namespace
}  // namespace tether::buffers
