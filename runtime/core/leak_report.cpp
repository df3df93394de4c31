#include "core/leak_report.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "buffers/site_totals.h"
#include "completion/queue_names.h"
#include "core/runtime.h"
#include "handles/handle_table.h"
#include "log/log.h"

namespace tether {
namespace {

constexpr int kSitesShown = 10;

void add_line(LeakReport& report, uint64_t count, const std::string& what) {
  if (count == 0) return;
  report.findings += count;
  report.text += "  " + std::to_string(count) + " " + what + "\n";
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
  // A completion waiting in a queue keeps its call in flight: count it
  // once, as a completion never polled.
  add_line(report,
           stats.in_flight > stats.cq_backlog
               ? stats.in_flight - stats.cq_backlog
               : 0,
           "calls in flight");
  add_line(report, stats.cq_backlog,
           "completions pushed to completion queues and never polled, by "
           "queue:");
  if (stats.cq_backlog != 0 && !runtime.forked()) {
    for (const auto& queue : queue_names::backlogs(runtime.id())) {
      report.text += "    " + std::to_string(queue.completions) + " in " +
                     queue.name + "\n";
    }
  }
  add_line(report, stats.buffers_live,
           "live tether buffers, process-wide (" +
               std::to_string(stats.buffer_bytes_live) +
               " bytes): results or errors never passed to tether_buf_free, "
               "by allocation site:");
  if (stats.buffers_live != 0) {
    int shown = 0;
    for (const auto& site : buffers::live_by_site()) {
      if (++shown > kSitesShown) {
        report.text += "    ...\n";
        break;
      }
      report.text += "    " + std::to_string(site.count) + " (" +
                     std::to_string(site.bytes) + " bytes) at " + site.name +
                     "\n";
    }
  }
  HandleTable& handles = HandleTable::process_wide();
  if (handles.live() != 0) {
    add_line(report, handles.live(), "live handles, process-wide:");
    for (const auto& [type, count] : handles.live_by_type()) {
      report.text += "    " + std::to_string(count) + " " + type + "\n";
    }
  }
  if (report.findings != 0) {
    report.text = "leak report for the runtime of library '" +
                  runtime.library().name + "':\n" + report.text;
  }
  return report;
}

void check_leaks_at_destroy(const Runtime& runtime) {
  int32_t mode = effective_leak_check(runtime);
  if (mode == TETHER_LEAK_CHECK_OFF) return;
  LeakReport report = make_leak_report(runtime);
  if (report.findings == 0) return;
  TETHER_LOG_WARNING("%s", report.text.c_str());
  if (mode == TETHER_LEAK_CHECK_FAIL) {
    TETHER_LOG_ERR(
        "leak check: %llu findings and TETHER_LEAK_CHECK_FAIL: "
        "aborting",
        static_cast<unsigned long long>(report.findings));
    std::abort();
  }
}

}  // namespace tether
