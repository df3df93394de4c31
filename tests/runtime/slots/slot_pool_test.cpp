#include "slots/slot_pool.h"

#include <concurrentqueue.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "tether/status.h"

namespace tether {
namespace {

constexpr uint16_t kTag = 7;  // this pool's runtime

TEST(SlotPoolTest, HandsOutEverySlotOnceThenRunsDry) {
  SlotPool pool(8, kTag);
  std::set<Slot*> seen;
  for (int i = 0; i < 8; ++i) {
    Slot* slot = pool.acquire();
    ASSERT_NE(slot, nullptr);
    EXPECT_TRUE(seen.insert(slot).second);
  }
  EXPECT_EQ(pool.acquire(), nullptr);
}

TEST(SlotPoolTest, TicketsCarryTheRuntimeTagSoNoneIsZero) {
  SlotPool pool(4, kTag);
  for (uint32_t i = 0; i < 4; ++i) {
    uint64_t word = pool.at(i).word.load();
    uint64_t value = pool.ticket_of(slot_word::generation(word), pool.at(i));
    EXPECT_NE(value, 0u);
    EXPECT_EQ(ticket::runtime_tag(value), kTag);
    EXPECT_EQ(ticket::index(value), i);
  }
}

TEST(SlotPoolTest, TagsForRuntimeSerialsAreNeverZero) {
  EXPECT_EQ(ticket::tag_for(1), 1);
  EXPECT_EQ(ticket::tag_for(65535), 65535);
  EXPECT_EQ(ticket::tag_for(65536), 1);
}

TEST(SlotPoolTest, GenerationsWrapWithinTheTicketsBits) {
  SlotPool pool(1, kTag);
  Slot* slot = pool.acquire();
  slot->word.store(
      slot_word::make(ticket::kGenerationMask, 0, slot_word::kAllHoldersDone));
  pool.release(slot);
  EXPECT_EQ(slot_word::generation(slot->word.load()), 0u);
  EXPECT_EQ(ticket::generation(pool.ticket_of(ticket::kGenerationMask, *slot)),
            ticket::kGenerationMask);
}

TEST(SlotPoolTest, ReleaseBumpsTheGenerationAndMarksFree) {
  SlotPool pool(1, kTag);
  Slot* slot = pool.acquire();
  uint32_t before = slot_word::generation(slot->word.load());
  slot->word.store(slot_word::make(before, 0, slot_word::kAllHoldersDone));
  pool.release(slot);
  uint64_t word = slot->word.load();
  EXPECT_EQ(slot_word::generation(word), before + 1);
  EXPECT_EQ(slot_word::flags(word), slot_word::kFree);
  EXPECT_EQ(pool.acquire(), slot);
}

TEST(SlotPoolTest, FindRejectsIndicesOutOfRange) {
  SlotPool pool(4, kTag);
  EXPECT_EQ(pool.find(ticket::make(kTag, 1, 3)), &pool.at(3));
  EXPECT_EQ(pool.find(ticket::make(kTag, 1, 4)), nullptr);
  EXPECT_EQ(pool.find(ticket::make(kTag, 1, UINT32_MAX)), nullptr);
}

TEST(SlotPoolTest, FindRejectsAnotherRuntimesTicket) {
  SlotPool pool(4, kTag);
  EXPECT_EQ(pool.find(ticket::make(kTag + 1, 1, 0)), nullptr);
  EXPECT_EQ(pool.find(ticket::make(0, 1, 0)), nullptr);
}

TEST(SlotPoolTest, ConcurrentAcquireReleaseNeverSharesASlot) {
  constexpr uint32_t kSlots = 64;
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  SlotPool pool(kSlots, kTag);
  std::vector<std::atomic<int>> owners(kSlots);
  std::atomic<int> collisions{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        Slot* slot = pool.acquire();
        if (slot == nullptr) continue;
        if (owners[slot->index].fetch_add(1) != 0) collisions.fetch_add(1);
        owners[slot->index].fetch_sub(1);
        uint32_t generation = slot_word::generation(slot->word.load());
        slot->word.store(
            slot_word::make(generation, 0, slot_word::kAllHoldersDone));
        pool.release(slot);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(collisions.load(), 0);
  int free_slots = 0;
  while (pool.acquire() != nullptr) ++free_slots;
  EXPECT_EQ(free_slots, static_cast<int>(kSlots));
}

// Takes every free slot out of `pool` and returns how many there were.
std::vector<Slot*> drain(SlotPool& pool) {
  std::vector<Slot*> taken;
  while (Slot* slot = pool.acquire()) taken.push_back(slot);
  return taken;
}

TEST(SlotPoolTest, BatchedReleasesReachThePoolAtTheBatchSizeOrOnFlush) {
  constexpr uint32_t kBatch = SlotPool::kReturnBatch;
  SlotPool pool(2 * kBatch, kTag);
  std::vector<Slot*> held = drain(pool);
  ASSERT_EQ(held.size(), 2 * kBatch);
  SlotPool::ReturnBatch batch(pool);
  for (uint32_t i = 0; i < kBatch - 1; ++i) pool.release(held[i]);
  EXPECT_EQ(pool.acquire(), nullptr);  // still in the batch
  pool.release(held[kBatch - 1]);      // a full batch goes at once
  std::vector<Slot*> back = drain(pool);
  EXPECT_EQ(back.size(), kBatch);
  EXPECT_EQ(std::set<Slot*>(back.begin(), back.end()),
            std::set<Slot*>(held.begin(), held.begin() + kBatch));
  pool.release(held[kBatch]);
  EXPECT_EQ(pool.acquire(), nullptr);
  batch.flush();
  EXPECT_EQ(pool.acquire(), held[kBatch]);
}

TEST(SlotPoolTest, ABatchFlushesWhenItGoesAndOnlyCatchesItsOwnPool) {
  SlotPool pool(4, kTag);
  SlotPool other(4, kTag + 1);
  std::vector<Slot*> held = drain(pool);
  std::vector<Slot*> held_other = drain(other);
  {
    SlotPool::ReturnBatch batch(pool);
    pool.release(held[0]);
    other.release(held_other[0]);  // not this batch's pool: straight back
    EXPECT_EQ(other.acquire(), held_other[0]);
    EXPECT_EQ(pool.acquire(), nullptr);
  }
  EXPECT_EQ(pool.acquire(), held[0]);
  pool.release(held[1]);  // no batch on this thread any more
  EXPECT_EQ(pool.acquire(), held[1]);
}

TEST(SlotPoolTest, BatchedReturnsRaceAcquiresWithoutLosingASlot) {
  // A lane returns slots in batches while a submitter takes them: every
  // slot comes back exactly once and no two holders share one.
  constexpr uint32_t kSlots = 64;
  constexpr int kRounds = 20000;
  SlotPool pool(kSlots, kTag);
  moodycamel::ConcurrentQueue<Slot*> to_lane;
  std::atomic<bool> done{false};
  std::thread lane([&] {
    SlotPool::ReturnBatch batch(pool);
    Slot* slot = nullptr;
    for (;;) {
      if (to_lane.try_dequeue(slot)) {
        uint64_t word = slot->word.load();
        slot->word.store(slot_word::make(slot_word::generation(word), 0,
                                         slot_word::kAllHoldersDone));
        pool.release(slot);
        continue;
      }
      batch.flush();
      if (done.load()) return;
    }
  });
  int sent = 0;
  while (sent < kRounds) {
    Slot* slot = pool.acquire();
    if (slot == nullptr) continue;
    ASSERT_NE(slot_word::flags(slot->word.load()) & slot_word::kFree, 0);
    slot->word.store(
        slot_word::make(slot_word::generation(slot->word.load()), 0, 0));
    to_lane.enqueue(slot);
    ++sent;
  }
  while (to_lane.size_approx() != 0) std::this_thread::yield();
  done.store(true);
  lane.join();
  EXPECT_EQ(drain(pool).size(), kSlots);
}

TEST(SlotWordTest, AllHoldersDoneNeedsAllThreeFlags) {
  using namespace slot_word;
  EXPECT_FALSE(all_holders_done(make(1, 0, kClaimed | kDelivered)));
  EXPECT_FALSE(all_holders_done(make(1, 0, kClaimed | kLaneDone)));
  EXPECT_FALSE(all_holders_done(make(1, 0, kDelivered | kLaneDone)));
  EXPECT_TRUE(all_holders_done(make(1, 0, kClaimed | kDelivered | kLaneDone)));
}

TEST(SlotWordTest, PacksGenerationStatusAndFlags) {
  uint64_t word = slot_word::make(0xABCDEF01u, TETHER_E_DEADLINE, 0x7);
  EXPECT_EQ(slot_word::generation(word), 0xABCDEF01u);
  EXPECT_EQ(slot_word::status(word), TETHER_E_DEADLINE);
  EXPECT_EQ(slot_word::flags(word), 0x7);
}

}  // namespace
}  // namespace tether
