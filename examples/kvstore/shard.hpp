// shard.hpp — one lane's part of the store, and the request handlers.
//
// tether constructs one Shard on each lane and calls handle() only on that
// lane, so the map needs no lock: a kv key's affinity key sends every call
// for it to the same lane, hence the same shard. Not thread-safe (lane only).
#ifndef KVSTORE_SHARD_HPP
#define KVSTORE_SHARD_HPP

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tether/library.hpp"

namespace kvstore {

class Shard {
 public:
  explicit Shard(tether::Lane& lane) : lane_(lane) {}
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void handle(const tether::Request& request);

 private:
  // Lets find() take a string_view without building a std::string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Map =
      std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>>;

  void put(const tether::Request& request);
  void get(const tether::Request& request);
  void erase(const tether::Request& request);
  void slow(const tether::Request& request);
  void stats(const tether::Request& request);

  // Replies KVSTORE_ERR_WRONG_AFFINITY and returns false unless the
  // request's tether key is `key`'s affinity key.
  bool check_affinity(const tether::Request& request, std::string_view method,
                      std::string_view key);
  void reply_bad_payload(const tether::Request& request,
                         std::string_view method, const std::string& why);

  tether::Lane& lane_;
  Map entries_;
};

}  // namespace kvstore

#endif  // KVSTORE_SHARD_HPP
