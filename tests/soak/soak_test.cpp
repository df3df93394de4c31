// The lifecycle soak: rounds of a fresh runtime taking calls from 8 threads
// (callbacks, completion queues and streams; random keys, payload sizes,
// cancels and deadlines) until a shutdown at a random moment, then destroy.
// Every accepted call must complete exactly once, live buffers must come
// back to zero growth, and resident memory must stay flat across rounds.
//
// TETHER_SOAK_CALLS sets the total number of calls (default 80,000, and
// 10,000 under a sanitizer); the full soak is 10^6:
//   TETHER_SOAK_CALLS=1000000 build/release/tests/soak/tether_soak_tests
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "rss.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 5;

uint64_t TotalCalls() {
#if defined(TETHER_ASAN) || defined(TETHER_TSAN)
  uint64_t calls = 10'000;
#else
  uint64_t calls = 80'000;
#endif
  if (const char* env = std::getenv("TETHER_SOAK_CALLS")) {
    calls = std::strtoull(env, nullptr, 10);
  }
  return calls;
}

// user_data / tag: which thread submitted the call, and its index there.
uint64_t Tag(uint64_t thread, uint64_t index) { return thread << 32 | index; }

struct Round {
  explicit Round(uint64_t per_thread)
      : completions(kThreads * per_thread), accepted(kThreads * per_thread) {
    for (auto& c : completions) c.store(0, std::memory_order_relaxed);
    for (auto& a : accepted) a.store(false, std::memory_order_relaxed);
    per_thread_ = per_thread;
  }
  std::atomic<uint32_t>& completion(uint64_t tag) {
    return completions[(tag >> 32) * per_thread_ + (tag & 0xffffffff)];
  }
  std::vector<std::atomic<uint32_t>> completions;
  std::vector<std::atomic<bool>> accepted;
  std::atomic<uint64_t> bad_status{0};
  uint64_t per_thread_ = 0;
};

Round* g_round = nullptr;

void Record(const tether_completion& c) {
  const tether_status s = c.status;
  if (s != TETHER_OK && s != TETHER_E_CANCELLED && s != TETHER_E_DEADLINE &&
      s != TETHER_E_CLOSED && s != TETHER_E_LIBRARY) {
    g_round->bad_status.fetch_add(1, std::memory_order_relaxed);
  }
  g_round->completion(c.user_data).fetch_add(1, std::memory_order_relaxed);
  tether_buf_free(c.result);
  tether_buf_free(c.error);
}

void OnCompletion(tether_completion* c) { Record(*c); }

void DrainQueue(tether_cq* cq) {
  tether_completion out[64];
  size_t count = 0;
  while (tether_cq_take(cq, out, sizeof out[0], 64, &count) == TETHER_OK &&
         count != 0) {
    for (size_t i = 0; i < count; ++i) Record(out[i]);
  }
}

// One thread's share: until its calls are done or the runtime refuses.
// At the credit limit, completions waiting in any thread's queue may be
// what holds the credits: take from all of them (a queue another thread is
// taking from answers BUSY, which is fine).
void DrainAll(const std::vector<tether_cq*>& queues) {
  for (tether_cq* cq : queues) DrainQueue(cq);
}

void Submitter(tether_runtime* rt, uint64_t thread, uint64_t calls,
               uint32_t seed, Round& round,
               const std::vector<tether_cq*>& queues,
               std::atomic<uint64_t>& submitted, std::atomic<int>& finished) {
  tether_cq* cq = queues[thread];
  std::mt19937 rng(seed);
  tether_stream* stream = nullptr;
  tether_stream_open(rt, &stream);
  std::vector<uint64_t> tickets;
  std::string payload(256, 'x');
  for (uint64_t i = 0; i < calls; ++i) {
    const uint32_t r = rng();
    uint32_t method = kEcho;
    if (r % 50 == 0) method = kNeverReply;  // ends by cancel, deadline or close
    tether_call call =
        Call(method, std::string_view(payload).substr(0, r % 200));
    call.key = (r >> 8) % 4 == 0 ? TETHER_KEY_ANY : (r >> 10) % 16;
    if (method == kNeverReply || (r >> 12) % 20 == 0) {
      call.timeout_ns = 1'000'000 + (r >> 14) % 2'000'000;
    }
    const uint64_t tag = Tag(thread, i);
    uint64_t ticket = 0;
    tether_status s;
    switch ((r >> 16) % 3) {
      case 0:
        s = tether_submit(rt, &call, &OnCompletion, tag, &ticket);
        break;
      case 1:
        s = tether_submit_cq(rt, &call, cq, tag, &ticket);
        break;
      default:
        s = stream != nullptr
                ? tether_stream_submit(stream, &call, &OnCompletion, tag,
                                       &ticket)
                : tether_submit(rt, &call, &OnCompletion, tag, &ticket);
        break;
    }
    if (s == TETHER_E_BUSY) {
      DrainAll(queues);
      std::this_thread::yield();
      --i;  // the same call again
      continue;
    }
    if (s == TETHER_E_CLOSED) break;
    if (s != TETHER_OK) {
      round.bad_status.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    round.accepted[thread * round.per_thread_ + i].store(
        true, std::memory_order_relaxed);
    submitted.fetch_add(1, std::memory_order_relaxed);
    tickets.push_back(ticket);
    if ((r >> 20) % 16 == 0 && !tickets.empty()) {
      tether_cancel(rt, tickets[rng() % tickets.size()]);
    }
    if (i % 64 == 0) DrainQueue(cq);
  }
  tether_stream_destroy(stream);
  DrainQueue(cq);
  finished.fetch_add(1);
}

TEST(SoakTest, FreshRuntimesShutDownAtRandomMomentsLoseNothing) {
  const uint64_t total = TotalCalls();
  const uint64_t per_thread = std::max<uint64_t>(1, total / kRounds / kThreads);
  std::mt19937 rng(20261202);
  std::vector<uint64_t> rss;
  uint64_t accepted_total = 0;
  for (int round_index = 0; round_index < kRounds; ++round_index) {
    SCOPED_TRACE(testing::Message() << "round " << round_index);
    const uint64_t live_before = LiveBuffers();
    auto round = std::make_unique<Round>(per_thread);
    g_round = round.get();
    tether_runtime_config config = Config(2);
    config.max_calls_in_flight = 2048;
    tether_runtime* rt = nullptr;
    char* error = nullptr;
    ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &rt, &error),
              TETHER_OK);
    std::vector<tether_cq*> queues(kThreads, nullptr);
    for (auto& cq : queues) ASSERT_EQ(tether_cq_open(rt, &cq), TETHER_OK);
    std::atomic<uint64_t> submitted{0};
    std::atomic<int> finished{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back(Submitter, rt, t, per_thread,
                           static_cast<uint32_t>(rng()), std::ref(*round),
                           std::cref(queues), std::ref(submitted),
                           std::ref(finished));
    }
    // Shut down once a random share of the round's calls is in.
    const uint64_t at = per_thread * kThreads * (rng() % 100) / 100;
    while (submitted.load() < at && finished.load() < kThreads) {
      std::this_thread::yield();
    }
    const int32_t mode =
        rng() % 2 == 0 ? TETHER_SHUTDOWN_CANCEL : TETHER_SHUTDOWN_DRAIN;
    ASSERT_EQ(tether_runtime_shutdown(rt, mode, 5'000'000), TETHER_OK);
    for (auto& thread : threads) thread.join();
    for (tether_cq* cq : queues) {
      DrainQueue(cq);
      tether_cq_destroy(cq);
    }
    EXPECT_EQ(Stats(rt).in_flight, 0u);
    ASSERT_EQ(tether_runtime_destroy(rt), TETHER_OK);

    uint64_t wrong = 0;
    for (size_t i = 0; i < round->completions.size(); ++i) {
      const uint32_t want = round->accepted[i].load() ? 1 : 0;
      if (round->completions[i].load() != want) ++wrong;
    }
    EXPECT_EQ(wrong, 0u) << "calls not completed exactly once";
    EXPECT_EQ(round->bad_status.load(), 0u);
    EXPECT_EQ(LiveBuffers(), live_before);
    accepted_total += submitted.load();
    rss.push_back(ResidentBytes());
  }
  std::printf(
      "soak: %d rounds, %llu calls accepted of %llu, RSS %.1f -> %.1f MiB\n",
      kRounds, static_cast<unsigned long long>(accepted_total),
      static_cast<unsigned long long>(per_thread * kThreads * kRounds),
      rss.front() / 1048576.0, rss.back() / 1048576.0);
#if !defined(TETHER_ASAN) && !defined(TETHER_TSAN)
  // After the first round has warmed allocator caches, later rounds must
  // not keep growing (sanitizers keep freed memory in their own quarantine).
  EXPECT_LE(rss.back(), rss[1] + (8u << 20)) << "resident memory grew";
#endif
}

}  // namespace
}  // namespace tether_test
