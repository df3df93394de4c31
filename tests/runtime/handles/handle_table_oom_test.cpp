// The handle table when memory runs out: handle_new is called by C code, so
// a chunk that cannot be allocated is kNoMemory, never std::bad_alloc.
//
// Its own binary: it replaces the over-aligned operator new and delete (a
// chunk of entries is cache-line aligned) to make them fail on demand.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "handles/handle_table.h"

namespace {

// Over-aligned allocations of at least this many bytes fail; 0: none do.
std::atomic<std::size_t> g_fail_from{0};

void* aligned_allocate(std::size_t size, std::align_val_t align) noexcept {
  std::size_t fail_from = g_fail_from.load();
  if (fail_from != 0 && size >= fail_from) return nullptr;
  void* memory = nullptr;
  std::size_t alignment = static_cast<std::size_t>(align);
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  if (posix_memalign(&memory, alignment, size == 0 ? 1 : size) != 0) {
    return nullptr;
  }
  return memory;
}

}  // namespace

void* operator new(std::size_t size, std::align_val_t align) {
  if (void* memory = aligned_allocate(size, align)) return memory;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  if (void* memory = aligned_allocate(size, align)) return memory;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align,
                   const std::nothrow_t&) noexcept {
  return aligned_allocate(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align,
                     const std::nothrow_t&) noexcept {
  return aligned_allocate(size, align);
}
void operator delete(void* memory, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::size_t, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::align_val_t,
                     const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::align_val_t,
                       const std::nothrow_t&) noexcept {
  std::free(memory);
}

namespace tether {
namespace {

class HandleTableOutOfMemoryTest : public ::testing::Test {
 protected:
  // A chunk is 4096 cache-line entries, 256 KiB.
  void FailChunkAllocations() { g_fail_from.store(64 * 1024); }
  void TearDown() override { g_fail_from.store(0); }
};

TEST_F(HandleTableOutOfMemoryTest, CreateIsNoMemoryWhenAChunkCannotBeMade) {
  HandleTable table;
  FailChunkAllocations();
  uint64_t handle = 7;
  EXPECT_EQ(table.create(nullptr, nullptr, "object", &handle),
            Status::kNoMemory);
  EXPECT_EQ(handle, 7u);  // untouched
  EXPECT_EQ(table.live(), 0u);
}

TEST_F(HandleTableOutOfMemoryTest, CreateWorksOnceMemoryIsBack) {
  HandleTable table;
  FailChunkAllocations();
  uint64_t handle = 0;
  ASSERT_EQ(table.create(nullptr, nullptr, "object", &handle),
            Status::kNoMemory);
  g_fail_from.store(0);
  ASSERT_EQ(table.create(nullptr, nullptr, "object", &handle), Status::kOk);
  EXPECT_EQ(table.live(), 1u);
  EXPECT_EQ(table.release(handle), Status::kOk);
  EXPECT_EQ(table.live(), 0u);
}

}  // namespace
}  // namespace tether
