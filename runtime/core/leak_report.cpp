#include "core/leak_report.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "buffers/site_totals.h"
#include "completion/queue_names.h"
#include "core/runtime.h"
#include "handles/handle_table.h"
#include "log/log.h"
#include "slots/slot.h"
#include "tether/call.h"

namespace tether {
namespace {

constexpr int kSitesShown = 10;
constexpr std::size_t kCallsShown = 5;

std::string key_text(uint64_t key) {
  return key == TETHER_KEY_ANY ? "any" : std::to_string(key);
}

// A finding: a line of its own, with the count the findings add up.
void add_finding(std::string& text, uint64_t& findings, uint64_t count,
                 const std::string& what) {
  if (count == 0) return;
  findings += count;
  text += "  " + std::to_string(count) + " " + what + "\n";
}

int32_t effective_leak_check(const Runtime& runtime) {
  const char* setting = std::getenv("TETHER_LEAK_CHECK");
  if (setting != nullptr) {
    if (std::strcmp(setting, "off") == 0) return TETHER_LEAK_CHECK_OFF;
    if (std::strcmp(setting, "log") == 0) return TETHER_LEAK_CHECK_LOG;
    if (std::strcmp(setting, "fail") == 0) return TETHER_LEAK_CHECK_FAIL;
    TETHER_LOG_WARNING("TETHER_LEAK_CHECK=%s is not off, log or fail; ignored",
                       setting);
  }
  return runtime.options().leak_check;
}

}  // namespace

LeakReport make_leak_report(const Runtime& runtime) {
  tether_stats stats;
  runtime.stats(&stats);
  LeakReport report;

  std::string owned;
  // A completion waiting in a queue keeps its call in flight: count it
  // once, as a completion never polled.
  add_finding(owned, report.owned,
              stats.in_flight > stats.cq_backlog
                  ? stats.in_flight - stats.cq_backlog
                  : 0,
              "calls in flight");
  add_finding(owned, report.owned, stats.cq_backlog,
              "completions pushed to completion queues and never polled "
              "(each with its result or error buffer), by queue:");
  if (stats.cq_backlog != 0 && !runtime.forked()) {
    for (const auto& queue : queue_names::backlogs(runtime.id())) {
      owned += "    " + std::to_string(queue.completions) + " in " +
               queue.name + "\n";
    }
  }

  // An unpolled completion holds at most one buffer (its result, or its
  // error message), counted with it above. The queues cannot say which
  // completions hold none (an empty result), so the buffers left out may
  // include a leaked one; while a completion is unpolled the report is not
  // empty either way.
  uint64_t process_findings = 0;
  std::string process;
  const uint64_t held = std::min(stats.cq_backlog, stats.buffers_live);
  if (stats.buffers_live > held) {
    std::string what = "live tether buffers";
    if (held != 0) {
      what += " besides the " + std::to_string(held) +
              " those completions hold (" + std::to_string(stats.buffers_live) +
              " in all)";
    }
    what += ", " + std::to_string(stats.buffer_bytes_live) +
            " bytes: results or errors never passed to tether_buf_free; all "
            "live buffers by allocation site:";
    add_finding(process, process_findings, stats.buffers_live - held, what);
    int shown = 0;
    for (const auto& site : buffers::live_by_site()) {
      if (++shown > kSitesShown) {
        process += "    ...\n";
        break;
      }
      process += "    " + std::to_string(site.count) + " (" +
                 std::to_string(site.bytes) + " bytes) at " + site.name + "\n";
    }
    std::vector<buffers::MadeByCall> oldest = buffers::oldest_made_by_calls(
        kCallsShown, ticket::tag_for(runtime.id()));
    if (!oldest.empty()) {
      process += "    the oldest made by this runtime's calls:\n";
      for (const auto& made : oldest) {
        process += "      " + std::to_string(made.size) + " bytes at " +
                   made.site + ", by method " +
                   std::to_string(made.origin.method) + " key " +
                   key_text(made.origin.key) + " (ticket " +
                   std::to_string(made.origin.ticket) + ")\n";
      }
    }
  }
  HandleTable& handles = HandleTable::process_wide();
  if (uint64_t live = handles.live(); live != 0) {
    add_finding(process, process_findings, live, "live handles, by type:");
    for (const auto& [type, count] : handles.live_by_type()) {
      process += "    " + std::to_string(count) + " " + type + "\n";
    }
  }

  report.findings = report.owned + process_findings;
  if (owned.empty() && process.empty()) return report;
  report.text = "leak report for the runtime of library '" +
                runtime.library().name + "' (" +
                std::to_string(report.findings) + " findings):\n";
  if (!owned.empty()) {
    report.text +=
        "this runtime's (what TETHER_LEAK_CHECK_FAIL judges):\n" + owned;
  }
  if (!process.empty()) {
    report.text += "process-wide (any runtime's or the host's):\n" + process;
  }
  return report;
}

void check_leaks_at_destroy(const Runtime& runtime) {
  int32_t mode = effective_leak_check(runtime);
  if (mode == TETHER_LEAK_CHECK_OFF) return;
  LeakReport report = make_leak_report(runtime);
  if (report.text.empty()) return;
  TETHER_LOG_WARNING("%s", report.text.c_str());
  if (mode == TETHER_LEAK_CHECK_FAIL && report.owned != 0) {
    TETHER_LOG_ERR(
        "leak check: this runtime owns %llu findings and "
        "TETHER_LEAK_CHECK_FAIL: aborting",
        static_cast<unsigned long long>(report.owned));
    std::abort();
  }
}

}  // namespace tether
