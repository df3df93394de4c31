#include "boundary.h"
#include "tether/log.h"

extern "C" {

TETHER_API tether_status tether_log_set_sink(tether_log_fn sink,
                                             uint64_t user_data,
                                             int32_t min_level) {
  return tether::shim::guarded("tether_log_set_sink", [&] {
    tether::Status status = tether::log::set_sink(sink, user_data, min_level);
    if (status != tether::Status::kOk) {
      tether::shim::reject("tether_log_set_sink", to_c(status),
                           "min_level is not a TETHER_LOG_* value");
    }
    return status;
  });
}

}  // extern "C"
