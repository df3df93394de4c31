/* cq_poller.h — a thread that drains a completion queue into outcomes_take,
 * following the consumer contract in tether/cq.h: sleep in poll(2) on the
 * queue's eventfd, reset it, then poll until a batch comes back short. It
 * stops when the queue is shut down and empty. */
#ifndef KVSTORE_DEMO_CQ_POLLER_H
#define KVSTORE_DEMO_CQ_POLLER_H

#include <pthread.h>
#include <stdint.h>

#include "tether/tether.h"

typedef struct cq_poller {
  tether_cq* cq;
  pthread_t thread;
  /* Set by the thread; read after cq_poller_join. */
  tether_status final_status; /* TETHER_E_CLOSED when it ended normally */
  uint64_t batches;
  uint64_t completions;
  /* Completions that were only found because poll(2) timed out: each one
   * would have waited for a wake-up that never came. */
  uint64_t found_after_timeout;
} cq_poller;

/* Starts the thread. Returns 0 on success, an errno value otherwise. */
int cq_poller_start(cq_poller* poller, tether_cq* cq);

/* Waits for the thread to end; call after tether_cq_shutdown. */
void cq_poller_join(cq_poller* poller);

#endif /* KVSTORE_DEMO_CQ_POLLER_H */
