-- The public host-side declarations of tether/tether.h, for LuaJIT's FFI:
-- the functions and the structs a host fills or reads, exactly as the
-- headers declare them (no macros, no inline functions). The constants the
-- headers #define are in tether/constants.lua. test/test_abi.lua checks
-- every size and offset here against the C compiler's.
local ffi = require("ffi")

ffi.cdef([[
typedef int32_t tether_status;

typedef struct tether_runtime tether_runtime;
typedef struct tether_cq tether_cq;
typedef struct tether_stream tether_stream;
typedef struct tether_lane tether_lane;
typedef struct tether_library tether_library;

typedef struct tether_completion tether_completion;
typedef void (*tether_callback_fn)(tether_completion* completion);
typedef void (*tether_log_fn)(uint64_t user_data, int32_t level,
                              const char* message);

/* version.h */
uint32_t tether_version_number(void);
const char* tether_version_string(void);

/* status.h */
const char* tether_status_str(tether_status status);

/* buffer.h */
void* tether_buf_alloc(size_t size);
void* tether_buf_alloc_tagged(size_t size, const char* site_tag);
tether_status tether_buf_free(void* data);
tether_status tether_buf_free_tagged(void* data, const char* site_tag);
tether_status tether_buf_size(const void* data, size_t* size_out);
void tether_buf_live(uint64_t* count_out, uint64_t* bytes_out);
void tether_buf_set_growth_threshold(uint64_t count_threshold,
                                     uint64_t bytes_threshold);
tether_status tether_buf_set_mode(int32_t mode);
int32_t tether_buf_mode(void);
tether_status tether_buf_check_all(void);
tether_status tether_buf_problems(int32_t problem, uint64_t* count_out);

/* runtime.h */
typedef struct tether_runtime_config {
  size_t struct_size;
  uint32_t lanes;
  int32_t pin_lanes;
  int32_t deliver;
  uint32_t max_calls_in_flight;
  uint64_t max_bytes_in_flight;
  uint64_t max_payload_bytes;
  uint64_t spin_ns;
  void* library_data;
  uint64_t growth_threshold;
  int32_t leak_check;
  int32_t buffer_debug;
  uint32_t recorder_entries;
  uint32_t capture_max_payload;
  uint64_t capture_bytes;
  const char* capture_dir;
} tether_runtime_config;

void tether_runtime_config_init(tether_runtime_config* config);
tether_status tether_runtime_open(const tether_library* library,
                                  const tether_runtime_config* config,
                                  tether_runtime** runtime_out,
                                  char** error_out);
tether_status tether_runtime_open_path(const char* path, const char* symbol,
                                       const tether_runtime_config* config,
                                       tether_runtime** runtime_out,
                                       char** error_out);
tether_status tether_runtime_shutdown(tether_runtime* runtime, int32_t mode,
                                      uint64_t timeout_ns);
tether_status tether_runtime_destroy(tether_runtime* runtime);
tether_status tether_runtime_leak_report(const tether_runtime* runtime,
                                         char** report_out,
                                         uint64_t* findings_out);
uint32_t tether_runtime_lanes(const tether_runtime* runtime);

/* call.h */
typedef struct tether_call {
  size_t struct_size;
  uint32_t method;
  uint32_t flags;
  uint64_t key;
  uint64_t timeout_ns;
  const void* payload;
  size_t payload_len;
} tether_call;

struct tether_completion {
  size_t struct_size;
  uint64_t user_data;
  uint64_t ticket;
  tether_status status;
  int32_t library_code;
  void* result;
  size_t result_len;
  char* error;
  size_t error_len;
  uint32_t lane;
  uint32_t reserved0;
  uint64_t latency_ns;
};

void tether_call_init(tether_call* call);
tether_status tether_submit(tether_runtime* runtime, const tether_call* call,
                            tether_callback_fn callback, uint64_t user_data,
                            uint64_t* ticket_out);
tether_status tether_submit_cq(tether_runtime* runtime,
                               const tether_call* call, tether_cq* cq,
                               uint64_t tag, uint64_t* ticket_out);
tether_status tether_submit_batch(tether_runtime* runtime,
                                  const tether_call* calls, size_t count,
                                  tether_callback_fn callback,
                                  const uint64_t* user_data,
                                  uint64_t* tickets_out,
                                  size_t* submitted_out);
tether_status tether_submit_batch_cq(tether_runtime* runtime,
                                     const tether_call* calls, size_t count,
                                     tether_cq* cq, const uint64_t* tags,
                                     uint64_t* tickets_out,
                                     size_t* submitted_out);
tether_status tether_cancel(tether_runtime* runtime, uint64_t ticket);

/* cq.h */
tether_status tether_cq_open(tether_runtime* runtime, tether_cq** cq_out);
int tether_cq_fd(const tether_cq* cq);
tether_status tether_cq_reset_fd(tether_cq* cq);
tether_status tether_cq_poll(tether_cq* cq, void* out, size_t elem_size,
                             size_t max, uint64_t timeout_ns,
                             size_t* count_out);
tether_status tether_cq_take(tether_cq* cq, void* out, size_t elem_size,
                             size_t max, size_t* count_out);
tether_status tether_cq_shutdown(tether_cq* cq);
void tether_cq_destroy(tether_cq* cq);

/* stream.h */
tether_status tether_stream_open(tether_runtime* runtime,
                                 tether_stream** stream_out);
tether_status tether_stream_submit(tether_stream* stream,
                                   const tether_call* call,
                                   tether_callback_fn callback,
                                   uint64_t user_data, uint64_t* ticket_out);
tether_status tether_stream_submit_cq(tether_stream* stream,
                                      const tether_call* call, tether_cq* cq,
                                      uint64_t tag, uint64_t* ticket_out);
void tether_stream_destroy(tether_stream* stream);

/* stats.h */
typedef struct tether_stats {
  size_t struct_size;
  uint64_t submitted;
  uint64_t rejected_busy;
  uint64_t completed_ok;
  uint64_t completed_library;
  uint64_t completed_cancelled;
  uint64_t completed_deadline;
  uint64_t completed_closed;
  uint64_t in_flight;
  uint64_t bytes_in_flight;
  uint64_t late_replies;
  uint64_t callback_exceptions;
  uint32_t lanes;
  uint32_t reserved0;
  uint64_t queue_depth;
  uint64_t cq_backlog;
  uint64_t buffers_live;
  uint64_t buffer_bytes_live;
  uint64_t latency_p50_ns;
  uint64_t latency_p99_ns;
  uint64_t latency_p999_ns;
} tether_stats;

typedef struct tether_lane_stats {
  size_t struct_size;
  uint32_t lane;
  uint32_t reserved0;
  uint64_t queue_depth;
  uint64_t handled;
  uint64_t parks;
} tether_lane_stats;

void tether_stats_init(tether_stats* stats);
tether_status tether_runtime_stats(const tether_runtime* runtime,
                                   tether_stats* stats);
void tether_lane_stats_init(tether_lane_stats* stats);
tether_status tether_runtime_lane_stats(const tether_runtime* runtime,
                                        uint32_t lane,
                                        tether_lane_stats* stats);

/* handle.h */
tether_status tether_handle_retain(uint64_t handle);
tether_status tether_handle_release(uint64_t handle);
uint64_t tether_handles_live(void);

/* log.h */
tether_status tether_log_set_sink(tether_log_fn sink, uint64_t user_data,
                                  int32_t min_level);

/* crash.h */
tether_status tether_crash_handler_install(void);
]])
