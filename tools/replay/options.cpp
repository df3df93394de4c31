#include "options.h"

#include <optional>
#include <string_view>

namespace tether::replay {
namespace {

std::optional<uint64_t> parse_count(std::string_view text, uint64_t min,
                                    uint64_t max) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace

const char* usage() {
  return "usage: tether-replay --library PATH --symbol SYMBOL [--lanes N] "
         "[--pace]\n"
         "                     [--timeout-ms MS] [--quiet] RECORDING.jsonl\n"
         "Sends the calls of a tether recording again, one at a time, in the "
         "order\n"
         "the lanes started them, and compares each outcome with the "
         "recorded one.\n"
         "  --library PATH     the library to serve (loaded with dlopen)\n"
         "  --symbol SYMBOL    its entry function (returns its "
         "tether_library)\n"
         "  --lanes N          lanes to open, 1 to 256 (default: the "
         "recording's)\n"
         "  --pace             start each call at its recorded offset from "
         "the first\n"
         "  --timeout-ms MS    cancel a call with no completion after MS "
         "(default 10000)\n"
         "  --quiet            print the summary line only\n"
         "Exit status: 0 no difference, 1 differences, 2 bad usage, a bad "
         "recording\n"
         "or a library that fails to open.\n";
}

bool parse_options(const std::vector<std::string>& args, Options* options,
                   std::string* error) {
  *options = Options{};
  bool have_recording = false;
  bool positional_only = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!positional_only && arg == "--") {
      positional_only = true;
      continue;
    }
    if (positional_only || arg.size() < 2 || arg[0] != '-') {
      if (have_recording) {
        *error = "more than one recording given";
        return false;
      }
      options->recording = std::string(arg);
      have_recording = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      options->help = true;
      return true;
    }
    if (arg == "--pace") {
      options->pace = true;
      continue;
    }
    if (arg == "--quiet") {
      options->quiet = true;
      continue;
    }
    std::string_view name = arg;
    std::string value;
    bool has_value = false;
    if (auto equals = arg.find('='); equals != std::string_view::npos) {
      name = arg.substr(0, equals);
      value = std::string(arg.substr(equals + 1));
      has_value = true;
    }
    if (name != "--library" && name != "--symbol" && name != "--lanes" &&
        name != "--timeout-ms") {
      *error = "unknown option " + std::string(name);
      return false;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *error = std::string(name) + " needs a value";
        return false;
      }
      value = args[++i];
    }
    if (name == "--library") {
      options->library = value;
    } else if (name == "--symbol") {
      options->symbol = value;
    } else if (name == "--lanes") {
      auto lanes = parse_count(value, 1, 256);
      if (!lanes) {
        *error = "--lanes: expected 1 to 256, got \"" + value + "\"";
        return false;
      }
      options->lanes = static_cast<uint32_t>(*lanes);
    } else {
      // Up to a year: far past any call, well inside the clock's range.
      auto timeout = parse_count(value, 1, 365ULL * 24 * 3600 * 1000);
      if (!timeout) {
        *error =
            "--timeout-ms: expected a positive number of milliseconds, "
            "got \"" +
            value + "\"";
        return false;
      }
      options->timeout_ms = *timeout;
    }
  }
  if (options->library.empty()) {
    *error = "--library is required";
    return false;
  }
  if (options->symbol.empty()) {
    *error = "--symbol is required";
    return false;
  }
  if (!have_recording) {
    *error = "no recording given";
    return false;
  }
  return true;
}

}  // namespace tether::replay
