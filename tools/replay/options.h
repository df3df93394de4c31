// tether-replay's command line.
#ifndef TETHER_TOOLS_REPLAY_OPTIONS_H_
#define TETHER_TOOLS_REPLAY_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tether::replay {

struct Options {
  std::string library;
  std::string symbol;
  uint32_t lanes = 0;  // 0: the recording header's
  bool pace = false;
  uint64_t timeout_ms = 10000;
  bool quiet = false;
  bool help = false;
  std::string recording;
};

// The usage text, ending in '\n'.
const char* usage();

// Parses argv[1..] ("--name value" or "--name=value"). Returns false and
// sets *error on an unknown option, a missing or malformed value, or not
// exactly one recording; --help alone is enough.
bool parse_options(const std::vector<std::string>& args, Options* options,
                   std::string* error);

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_OPTIONS_H_
