#include "buffers/buffer_allocator.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "base/alloc_fault.h"
#include "base/fault_injection.h"
#include "buffers/asan_poison.h"
#include "buffers/block_check.h"
#include "buffers/block_layout.h"
#include "buffers/block_registry.h"
#include "buffers/block_release.h"
#include "buffers/buffer_mode.h"
#include "buffers/buffer_watch.h"
#include "buffers/call_origin.h"
#include "buffers/misuse_report.h"
#include "buffers/quarantine.h"
#include "log/log.h"
#include "tether/buffer.h"

namespace tether::buffers {
namespace {

constexpr const char* kFreeFunction = "tether_buf_free";

std::atomic<uint64_t> g_next_serial{1};

BlockHeader* new_block(std::size_t size, Mode mode, Site site) {
  void* memory = alloc_fault::malloc(block_bytes(mode, size));
  if (memory == nullptr) return nullptr;
  auto* header = new (memory) BlockHeader();
  header->allocated_at = site;
  header->size = size;
  header->serial = g_next_serial.fetch_add(1, std::memory_order_relaxed);
  header->mode = mode;
  if (const CallOrigin* origin = current_call()) {
    header->origin_method = origin->method;
    header->origin_ticket = origin->ticket;
    header->origin_key = origin->key;
  }
  if (mode == Mode::kDebug) {
    std::memset(front_guard_of(header), kGuardByte, kFrontGuardBytes);
    std::memset(data_of(header), kNewByte, size);
    std::memset(back_guard_of(header), kGuardByte,
                back_guard_bytes(mode, size));
    poison(front_guard_of(header), kFrontGuardBytes);
    poison(back_guard_of(header), back_guard_bytes(mode, size));
  }
  return header;
}

void delete_unregistered_block(BlockHeader* header) {
  unpoison(header, block_bytes(header->mode, header->size));
  std::free(header);
}

}  // namespace

__attribute__((noinline)) void* allocate(std::size_t size) {
  return allocate_at(size, TETHER_CALLER_SITE());
}

void* allocate_at(std::size_t size, Site site) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  if (size > TETHER_BUF_MAX_SIZE) {
    TETHER_LOG_WARNING("tether_buf_alloc: %zu bytes is over the %zu-byte limit",
                       size, static_cast<std::size_t>(TETHER_BUF_MAX_SIZE));
    return nullptr;
  }
  BlockHeader* header = new_block(size, current_mode(), site);
  if (header == nullptr) {
    TETHER_LOG_ERR("tether_buf_alloc: out of memory for %zu bytes", size);
    return nullptr;
  }
  LiveTotals totals;
  try {
    totals = register_block(header);
  } catch (const std::bad_alloc&) {
    delete_unregistered_block(header);
    TETHER_LOG_ERR("tether_buf_alloc: out of memory for the registry");
    return nullptr;
  }
  observe_live(totals);
  return data_of(header);
}

__attribute__((noinline)) char* allocate_string(const char* text,
                                                std::size_t length) {
  auto* data =
      static_cast<char*>(allocate_at(length + 1, TETHER_CALLER_SITE()));
  if (data == nullptr) return nullptr;
  if (length != 0) std::memcpy(data, text, length);
  data[length] = '\0';
  return data;
}

__attribute__((noinline)) Status release(void* data) {
  return release_at(data, TETHER_CALLER_SITE());
}

Status release_at(void* data, Site site) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  if (data == nullptr) return Status::kOk;
  BlockFacts facts;
  switch (claim_for_free(data, site, &facts)) {
    case Membership::kForeign:
      report_foreign(kFreeFunction, data, site);
      return Status::kForeignBuffer;
    case Membership::kFreed:
      report_double_free(facts, site);
      return Status::kDoubleFree;
    case Membership::kLive:
      break;
  }
  if (facts.mode == Mode::kRelease || facts.size > kQuarantineMaxBlockBytes) {
    return finish_block(facts, /*check_fill=*/false, kFreeFunction);
  }
  BlockHeader* header = facts.header;
  if (Damage damage = check_guards(header, facts.size, facts.mode)) {
    return retire_damaged_block(facts, damage, kFreeFunction);
  }
  unsigned char* bytes = data_of(header);
  std::memset(bytes, kFreedByte, facts.size);
  poison(bytes, facts.size);
  quarantine_block(facts);
  return Status::kOk;
}

Status size_of(const void* data, std::size_t* size) {
  if (data == nullptr) return Status::kForeignBuffer;
  return lookup(data, size) == Membership::kLive ? Status::kOk
                                                 : Status::kForeignBuffer;
}

bool is_live(const void* data) {
  return data != nullptr && lookup(data, nullptr) == Membership::kLive;
}

void live_totals(uint64_t* count, uint64_t* bytes) {
  LiveTotals totals = registry_live_totals();
  if (count != nullptr) *count = totals.count;
  if (bytes != nullptr) *bytes = totals.bytes;
}

}  // namespace tether::buffers
