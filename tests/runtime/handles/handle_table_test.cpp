#include "handles/handle_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace tether {
namespace {

struct Object {
  std::atomic<bool> destroyed{false};
  std::atomic<int> destroy_calls{0};
};

void destroy_object(void* raw) {
  auto* object = static_cast<Object*>(raw);
  object->destroy_calls.fetch_add(1);
  object->destroyed.store(true);
}

TEST(HandleTableTest, GetReturnsTheObjectWithAReference) {
  HandleTable table;
  Object object;
  uint64_t handle = 0;
  ASSERT_EQ(table.create(&object, &destroy_object, "object", &handle),
            Status::kOk);
  EXPECT_NE(handle, 0u);
  void* found = nullptr;
  ASSERT_EQ(table.get(handle, &found), Status::kOk);
  EXPECT_EQ(found, &object);
  EXPECT_EQ(table.release(handle), Status::kOk);  // get's reference
  EXPECT_FALSE(object.destroyed.load());
  EXPECT_EQ(table.release(handle), Status::kOk);  // the creator's
  EXPECT_TRUE(object.destroyed.load());
  EXPECT_EQ(table.live(), 0u);
}

TEST(HandleTableTest, ReleasedHandleIsStaleEvenAfterItsSlotIsReused) {
  HandleTable table;
  Object first, second;
  uint64_t old_handle = 0, new_handle = 0;
  ASSERT_EQ(table.create(&first, &destroy_object, "object", &old_handle),
            Status::kOk);
  ASSERT_EQ(table.release(old_handle), Status::kOk);
  ASSERT_EQ(table.create(&second, &destroy_object, "object", &new_handle),
            Status::kOk);
  EXPECT_EQ(static_cast<uint32_t>(new_handle),
            static_cast<uint32_t>(old_handle));  // same slot
  void* found = nullptr;
  EXPECT_EQ(table.get(old_handle, &found), Status::kStaleTicket);
  EXPECT_EQ(found, nullptr);
  EXPECT_EQ(table.release(old_handle), Status::kStaleTicket);
  EXPECT_FALSE(second.destroyed.load());
  EXPECT_EQ(table.release(new_handle), Status::kOk);
}

TEST(HandleTableTest, ReleaseOneTimeTooManyIsStaleAndNeverWraps) {
  HandleTable table;
  Object object;
  uint64_t handle = 0;
  ASSERT_EQ(table.create(&object, &destroy_object, "object", &handle),
            Status::kOk);
  ASSERT_EQ(table.retain(handle), Status::kOk);
  EXPECT_EQ(table.release(handle), Status::kOk);
  EXPECT_EQ(table.release(handle), Status::kOk);
  EXPECT_EQ(table.release(handle), Status::kStaleTicket);  // below zero
  EXPECT_EQ(table.release(handle), Status::kStaleTicket);
  EXPECT_EQ(object.destroy_calls.load(), 1);
  EXPECT_EQ(table.retain(handle), Status::kStaleTicket);
  EXPECT_EQ(table.live(), 0u);
}

TEST(HandleTableTest, ZeroAndUnissuedHandlesAreStale) {
  HandleTable table;
  void* found = nullptr;
  EXPECT_EQ(table.get(0, &found), Status::kStaleTicket);
  EXPECT_EQ(table.release(0), Status::kStaleTicket);
  EXPECT_EQ(table.get((uint64_t{7} << 32) | 12345, &found),
            Status::kStaleTicket);
  EXPECT_EQ(table.release(UINT64_MAX), Status::kStaleTicket);
}

TEST(HandleTableTest, LiveHandlesAreCountedByType) {
  HandleTable table;
  Object a, b, c;
  uint64_t ha, hb, hc;
  table.create(&a, nullptr, "cursor", &ha);
  table.create(&b, nullptr, "cursor", &hb);
  table.create(&c, nullptr, "session", &hc);
  auto counts = table.live_by_type();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].type, "cursor");
  EXPECT_EQ(counts[0].count, 2u);
  EXPECT_EQ(counts[1].type, "session");
  EXPECT_EQ(counts[1].count, 1u);
  table.release(ha);
  table.release(hb);
  table.release(hc);
}

TEST(HandleTableTest, TypeNameIsCopiedWhenTheHandleIsMade) {
  // A library's string may be gone (its module unloaded) while the handle
  // still lives.
  HandleTable table;
  char type[] = "cursor";
  uint64_t handle = 0;
  ASSERT_EQ(table.create(nullptr, nullptr, type, &handle), Status::kOk);
  std::strcpy(type, "xxxxx");
  auto counts = table.live_by_type();
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].type, "cursor");
  EXPECT_EQ(table.release(handle), Status::kOk);
}

TEST(HandleTableTest, KeepAliveIsDroppedOnlyAfterDestroyRan) {
  HandleTable table;
  struct Watch {
    std::weak_ptr<const void> keep_alive;
    bool alive_during_destroy = false;
  } watch;
  auto keep_alive = std::make_shared<int>(1);
  watch.keep_alive = keep_alive;
  uint64_t handle = 0;
  ASSERT_EQ(table.create(
                &watch,
                [](void* raw) {
                  auto* seen = static_cast<Watch*>(raw);
                  seen->alive_during_destroy = !seen->keep_alive.expired();
                },
                "watch", &handle, std::move(keep_alive)),
            Status::kOk);
  EXPECT_FALSE(watch.keep_alive.expired());
  ASSERT_EQ(table.release(handle), Status::kOk);
  EXPECT_TRUE(watch.alive_during_destroy);
  EXPECT_TRUE(watch.keep_alive.expired());
}

TEST(HandleTableTest, GrowsPastOneChunk) {
  HandleTable table;
  std::vector<uint64_t> handles(HandleTable::kChunkSize * 2);
  for (auto& handle : handles) {
    ASSERT_EQ(table.create(nullptr, nullptr, "object", &handle), Status::kOk);
  }
  EXPECT_EQ(table.live(), handles.size());
  for (auto handle : handles) ASSERT_EQ(table.release(handle), Status::kOk);
  EXPECT_EQ(table.live(), 0u);
}

// get racing the last release: either get wins a reference before destroy,
// or it reports stale. It never returns an object already destroyed.
TEST(HandleTableTest, ConcurrentGetAndReleaseNeverHandOutAFreedObject) {
  HandleTable table;
  constexpr int kRounds = 300;
  constexpr int kThreads = 8;
  std::atomic<int> freed_objects_seen{0};
  for (int round = 0; round < kRounds; ++round) {
    auto* object = new Object();
    uint64_t handle = 0;
    ASSERT_EQ(table.create(object, &destroy_object, "object", &handle),
              Status::kOk);
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        if (t == 0) {
          table.release(handle);  // the creator's reference
          return;
        }
        void* found = nullptr;
        if (table.get(handle, &found) == Status::kOk) {
          if (static_cast<Object*>(found)->destroyed.load()) {
            freed_objects_seen.fetch_add(1);
          }
          table.release(handle);
        }
      });
    }
    go.store(true);
    for (auto& thread : threads) thread.join();
    EXPECT_TRUE(object->destroyed.load());
    EXPECT_EQ(object->destroy_calls.load(), 1);
    delete object;
  }
  EXPECT_EQ(freed_objects_seen.load(), 0);
  EXPECT_EQ(table.live(), 0u);
}

}  // namespace
}  // namespace tether
