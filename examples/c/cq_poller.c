#include "cq_poller.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "outcomes.h"

#define BATCH 64
/* Only a safety net: every completion should be announced by the fd. */
#define POLL_TIMEOUT_MS 250

/* Polls until a batch comes back short (the queue was seen empty) or the
 * queue reports anything but TETHER_OK. Returns how many it took. */
static tether_status drain(cq_poller* poller, uint64_t* taken) {
  tether_completion batch[BATCH];
  size_t count;
  size_t i;
  tether_status status;
  *taken = 0;
  do {
    count = 0;
    status =
        tether_cq_poll(poller->cq, batch, sizeof batch[0], BATCH, 0, &count);
    for (i = 0; i < count; ++i) outcomes_take(&batch[i]);
    *taken += count;
    if (count > 0) ++poller->batches;
  } while (status == TETHER_OK && count == BATCH);
  return status;
}

/* A wake-up written just as poll(2) timed out is late, not missing. */
static int fd_readable(int fd) {
  struct pollfd check;
  check.fd = fd;
  check.events = POLLIN;
  check.revents = 0;
  return poll(&check, 1, 0) > 0;
}

static void* run(void* arg) {
  cq_poller* poller = (cq_poller*)arg;
  struct pollfd wake;
  int ready;
  uint64_t taken;
  tether_status status;
  wake.fd = tether_cq_fd(poller->cq);
  wake.events = POLLIN;
  for (;;) {
    wake.revents = 0;
    ready = poll(&wake, 1, POLL_TIMEOUT_MS);
    if (ready < 0 && errno != EINTR) {
      fprintf(stderr, "kvstore_demo: poll on the cq fd: %s\n", strerror(errno));
      status = TETHER_E_INTERNAL;
      break;
    }
    if (ready > 0) tether_cq_reset_fd(poller->cq);
    status = drain(poller, &taken);
    poller->completions += taken;
    if (ready == 0 && taken > 0 && !fd_readable(wake.fd)) {
      poller->found_after_timeout += taken;
    }
    if (status != TETHER_OK) break;
  }
  poller->final_status = status;
  return NULL;
}

int cq_poller_start(cq_poller* poller, tether_cq* cq) {
  memset(poller, 0, sizeof *poller);
  poller->cq = cq;
  return pthread_create(&poller->thread, NULL, run, poller);
}

void cq_poller_join(cq_poller* poller) { pthread_join(poller->thread, NULL); }
