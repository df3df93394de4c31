// Runs a function in a forked child and reports how the child ended and
// what it wrote to stderr.
#ifndef TETHER_TESTS_CRASH_CHILD_PROCESS_H_
#define TETHER_TESTS_CRASH_CHILD_PROCESS_H_

#include <functional>
#include <string>

namespace tether::testing {

struct ChildResult {
  bool exited = false;
  int exit_code = -1;
  bool signalled = false;
  int signal = 0;
  std::string stderr_text;
};

// The child runs `body` and then _exit(0)s; it is killed after 30 seconds.
ChildResult run_in_child(const std::function<void()>& body);

}  // namespace tether::testing

#endif  // TETHER_TESTS_CRASH_CHILD_PROCESS_H_
