/* The journal library: a journal per key, kept on the lane of its key.
 * Entries go into blocks of three; a full block is written out (here:
 * folded into the journal's checksum) when the next entry comes, or at
 * close.
 *
 * The planted bug: APPEND finds an open journal through a per-lane cache
 * that CLOSE must clear. When CLOSE finds the block full, it writes the
 * block out and returns early, and the cache keeps the closed journal,
 * whose block is gone. So OPEN, APPEND three times (or six, nine...),
 * CLOSE, then APPEND on that key dereferences a NULL block: SIGSEGV on
 * the lane. Built with JOURNAL_FIXED, CLOSE clears the cache on every path
 * and that APPEND is refused with JOURNAL_E_NOT_OPEN, as any APPEND to a
 * closed journal is. No other outcome differs between the two builds. */
#include "journal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tether/library.h"

enum { kBlockEntries = 3, kBuckets = 256, kCacheSlots = 64 };

struct block {
  uint32_t used;
  uint32_t lengths[kBlockEntries];
  uint64_t checksum;
};

struct journal {
  uint64_t key;
  int open;
  struct block* block; /* NULL once closed */
  uint64_t entries;
  uint64_t checksum;
  struct journal* next; /* in its bucket */
};

struct lane_state {
  const tether_host_api* host;
  struct journal* buckets[kBuckets];
  /* Open journals by key % kCacheSlots: APPEND's fast path. */
  struct journal* open_cache[kCacheSlots];
};

static struct journal* find(struct lane_state* lane, uint64_t key) {
  struct journal* journal = lane->buckets[key % kBuckets];
  while (journal != NULL && journal->key != key) journal = journal->next;
  return journal;
}

static void reply_count(struct lane_state* lane, uint64_t request,
                        uint64_t count) {
  void* result = lane->host->buf_alloc(sizeof count);
  if (result == NULL) {
    lane->host->reply_error(request, JOURNAL_E_MEMORY, "out of memory");
    return;
  }
  memcpy(result, &count, sizeof count);
  lane->host->reply(request, result, sizeof count);
}

static void write_out(struct journal* journal) {
  journal->checksum = journal->checksum * 31 + journal->block->checksum;
  free(journal->block);
  journal->block = NULL;
}

static void open_journal(struct lane_state* lane,
                         const tether_request* request) {
  struct journal* journal = find(lane, request->key);
  if (journal != NULL && journal->open) {
    lane->host->reply_error(request->id, JOURNAL_E_OPEN, "already open");
    return;
  }
  struct block* block = calloc(1, sizeof *block);
  if (journal == NULL) {
    journal = calloc(1, sizeof *journal);
    if (journal != NULL) {
      journal->key = request->key;
      journal->next = lane->buckets[request->key % kBuckets];
      lane->buckets[request->key % kBuckets] = journal;
    }
  }
  if (block == NULL || journal == NULL) {
    free(block);
    lane->host->reply_error(request->id, JOURNAL_E_MEMORY, "out of memory");
    return;
  }
  journal->block = block;
  journal->open = 1;
  lane->host->reply(request->id, NULL, 0);
}

static void append(struct lane_state* lane, const tether_request* request) {
  struct journal** slot = &lane->open_cache[request->key % kCacheSlots];
  struct journal* journal = *slot;
  if (journal == NULL || journal->key != request->key) {
    journal = find(lane, request->key);
    if (journal == NULL || !journal->open) {
      lane->host->reply_error(request->id, JOURNAL_E_NOT_OPEN, "not open");
      return;
    }
    *slot = journal;
  }
  struct block* block = journal->block;
  if (block->used == kBlockEntries) {
    journal->checksum = journal->checksum * 31 + block->checksum;
    memset(block, 0, sizeof *block);
  }
  const unsigned char* bytes = request->payload;
  for (size_t i = 0; i < request->payload_len; ++i) {
    block->checksum = block->checksum * 131 + bytes[i];
  }
  block->lengths[block->used++] = (uint32_t)request->payload_len;
  reply_count(lane, request->id, ++journal->entries);
}

static void close_journal(struct lane_state* lane,
                          const tether_request* request) {
  struct journal* journal = find(lane, request->key);
  if (journal == NULL || !journal->open) {
    lane->host->reply_error(request->id, JOURNAL_E_NOT_OPEN, "not open");
    return;
  }
  journal->open = 0;
#ifndef JOURNAL_FIXED
  if (journal->block->used == kBlockEntries) {
    /* A full block goes out whole, with nothing to pad. */
    write_out(journal);
    lane->host->reply(request->id, NULL, 0);
    return; /* the bug: the cache still holds this journal */
  }
#endif
  write_out(journal);
  struct journal** slot = &lane->open_cache[request->key % kCacheSlots];
  if (*slot == journal) *slot = NULL;
  lane->host->reply(request->id, NULL, 0);
}

static void read_journal(struct lane_state* lane,
                         const tether_request* request) {
  struct journal* journal = find(lane, request->key);
  if (journal == NULL) {
    lane->host->reply_error(request->id, JOURNAL_E_NO_SUCH, "no such journal");
    return;
  }
  reply_count(lane, request->id, journal->entries);
}

static tether_status lane_start(const tether_host_api* host, tether_lane* lane,
                                uint32_t lane_index, void* library_data,
                                void** lane_state) {
  (void)lane;
  (void)lane_index;
  (void)library_data;
  struct lane_state* state = calloc(1, sizeof *state);
  if (state == NULL) return TETHER_E_NO_MEMORY;
  state->host = host;
  *lane_state = state;
  return TETHER_OK;
}

static void handle(void* lane_state, const tether_request* request) {
  struct lane_state* lane = lane_state;
  switch (request->method) {
    case JOURNAL_OPEN:
      open_journal(lane, request);
      return;
    case JOURNAL_APPEND:
      append(lane, request);
      return;
    case JOURNAL_CLOSE:
      close_journal(lane, request);
      return;
    case JOURNAL_READ:
      read_journal(lane, request);
      return;
    default:
      lane->host->reply_error(request->id, JOURNAL_E_METHOD, "unknown method");
  }
}

static void lane_stop(void* lane_state) {
  struct lane_state* lane = lane_state;
  for (int i = 0; i < kBuckets; ++i) {
    struct journal* journal = lane->buckets[i];
    while (journal != NULL) {
      struct journal* next = journal->next;
      free(journal->block);
      free(journal);
      journal = next;
    }
  }
  free(lane);
}

static const tether_library kJournal = {
    sizeof(tether_library),
    TETHER_LIBRARY_ABI_VERSION,
    0,
    "journal",
    lane_start,
    handle,
    lane_stop,
};

__attribute__((visibility("default"))) const tether_library* journal_library(
    void) {
  return &kJournal;
}
