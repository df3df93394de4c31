#include "shard.hpp"

#include <chrono>
#include <new>
#include <optional>

#include "kvstore.h"
#include "session.hpp"
#include "wire.hpp"

namespace kvstore {

void Shard::handle(const tether::Request& request) {
  this_thread_session().count_request();
  switch (request.method()) {
    case KVSTORE_METHOD_PUT:
      return put(request);
    case KVSTORE_METHOD_GET:
      return get(request);
    case KVSTORE_METHOD_DELETE:
      return erase(request);
    case KVSTORE_METHOD_SLOW:
      return slow(request);
    case KVSTORE_METHOD_STATS:
      return stats(request);
    default:
      lane_.reply_error(request, KVSTORE_ERR_UNKNOWN_METHOD,
                        "unknown method " + std::to_string(request.method()));
  }
}

void Shard::put(const tether::Request& request) {
  WireReader reader(request.payload());
  std::optional<std::string_view> key = reader.string("key");
  std::optional<std::string_view> value = reader.string("value");
  if (!reader.finish()) {
    return reply_bad_payload(request, "PUT", reader.error());
  }
  if (!check_affinity(request, "PUT", *key)) return;
  try {
    entries_.insert_or_assign(std::string(*key), std::string(*value));
  } catch (const std::bad_alloc&) {
    lane_.reply_error(request, KVSTORE_ERR_NO_MEMORY,
                      "PUT: out of memory storing " + quoted(*key));
    return;
  }
  lane_.reply(request, {});
}

void Shard::get(const tether::Request& request) {
  WireReader reader(request.payload());
  std::optional<std::string_view> key = reader.string("key");
  if (!reader.finish()) {
    return reply_bad_payload(request, "GET", reader.error());
  }
  if (!check_affinity(request, "GET", *key)) return;
  auto found = entries_.find(*key);
  if (found == entries_.end()) {
    lane_.reply_error(request, KVSTORE_ERR_NOT_FOUND,
                      "GET: no entry for key " + quoted(*key));
    return;
  }
  lane_.reply(request, found->second);
}

void Shard::erase(const tether::Request& request) {
  WireReader reader(request.payload());
  std::optional<std::string_view> key = reader.string("key");
  if (!reader.finish()) {
    return reply_bad_payload(request, "DELETE", reader.error());
  }
  if (!check_affinity(request, "DELETE", *key)) return;
  auto found = entries_.find(*key);
  bool removed = found != entries_.end();
  if (removed) entries_.erase(found);
  lane_.reply(request,
              removed ? std::string_view("\1", 1) : std::string_view("\0", 1));
}

void Shard::slow(const tether::Request& request) {
  WireReader reader(request.payload());
  std::optional<uint64_t> delay_ns = reader.u64("delay_ns");
  if (!reader.finish()) {
    return reply_bad_payload(request, "SLOW", reader.error());
  }
  if (*delay_ns > KVSTORE_SLOW_MAX_NS) {
    return reply_bad_payload(request, "SLOW",
                             "delay_ns " + std::to_string(*delay_ns) +
                                 " is over the limit of " +
                                 std::to_string(KVSTORE_SLOW_MAX_NS));
  }
  // The reply comes from a timer on this lane. If the call is cancelled or
  // its deadline passes meanwhile, the reply is refused as already
  // completed, and tether frees what it was handed.
  uint64_t id = request.id();
  tether_status status = lane_.after(std::chrono::nanoseconds(*delay_ns),
                                     [this, id] { lane_.reply(id, {}); });
  if (status != TETHER_OK) {
    lane_.reply_error(
        request, KVSTORE_ERR_TIMER,
        "SLOW: tether refused the timer with status " + std::to_string(status));
  }
}

void Shard::stats(const tether::Request& request) {
  if (!request.payload().empty()) {
    return reply_bad_payload(request, "STATS",
                             "expected an empty payload, got " +
                                 std::to_string(request.payload().size()) +
                                 " bytes");
  }
  std::string reply;
  reply.reserve(KVSTORE_STATS_SIZE);
  append_u64(reply, sessions_created());
  append_u64(reply, entries_.size());
  append_u64(reply, this_thread_session().requests_handled());
  append_u32(reply, lane_.index());
  append_u32(reply, 0);
  lane_.reply(request, reply);
}

bool Shard::check_affinity(const tether::Request& request,
                           std::string_view method, std::string_view key) {
  uint64_t expected = affinity_key(key);
  if (request.key() == expected) return true;
  lane_.reply_error(request, KVSTORE_ERR_WRONG_AFFINITY,
                    std::string(method) + ": key " + quoted(key) +
                        " must be submitted with tether key " +
                        std::to_string(expected) + ", not " +
                        std::to_string(request.key()));
  return false;
}

void Shard::reply_bad_payload(const tether::Request& request,
                              std::string_view method, const std::string& why) {
  lane_.reply_error(request, KVSTORE_ERR_BAD_PAYLOAD,
                    std::string(method) + ": bad payload: " + why);
}

}  // namespace kvstore
