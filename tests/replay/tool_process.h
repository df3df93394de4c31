// Runs the built tether-replay as a child process (posix_spawn) and
// collects how it ended and what it wrote.
#ifndef TETHER_TESTS_REPLAY_TOOL_PROCESS_H_
#define TETHER_TESTS_REPLAY_TOOL_PROCESS_H_

#include <string>
#include <vector>

namespace tether::replay::testing {

struct ToolResult {
  bool exited = false;
  int exit_code = -1;
  bool signalled = false;
  int signal = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program` with `args` (argv[1..]), stdout and stderr to files, and
// waits for it to end.
ToolResult run_program(const std::string& program,
                       const std::vector<std::string>& args);

// tether-replay serving the test library, on `recording`, with `extra`
// options before it.
ToolResult run_replay(const std::string& recording,
                      const std::vector<std::string>& extra = {});

}  // namespace tether::replay::testing

#endif  // TETHER_TESTS_REPLAY_TOOL_PROCESS_H_
