// The pool of producer ports: a submitter borrows one without ever waiting
// without bound.
#include "queues/producer_port.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace tether {
namespace {

TEST(PortPoolTest, AcquireGivesUpWhenEveryPortStaysHeld) {
  QueueSet queues(1);
  PortPool pool(queues, 4);
  std::atomic<bool> closed{false};
  std::vector<ProducerPort*> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(pool.acquire(closed));
    ASSERT_NE(held.back(), nullptr);
  }
  EXPECT_EQ(pool.acquire(closed), nullptr);
  held.back()->unlock();
  ProducerPort* freed = pool.acquire(closed);
  EXPECT_EQ(freed, held.back());
  for (ProducerPort* port : held) port->unlock();
}

}  // namespace
}  // namespace tether
