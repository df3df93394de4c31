//! Raw declarations of tether's C ABI, written by hand from the headers in
//! `ffi/include/tether/` (`tether.h` and everything it includes, plus the
//! structs and function-pointer types of `library.h`).
//!
//! Every item keeps its C name. The contracts (ownership, errors, thread
//! safety, blocking) are stated in the header each item points to; nothing
//! here adds to them. `tests/layout.rs` compiles a C program against the
//! installed headers and checks every struct size, field offset and
//! constant value against these declarations.

#![allow(non_camel_case_types, non_upper_case_globals)]

use core::ffi::c_void;
use core::marker::{PhantomData, PhantomPinned};
use std::os::raw::{c_char, c_int};

// ---------------------------------------------------------------------------
// tether/types.h
// ---------------------------------------------------------------------------

/// A status code (`tether_status`); values are the `TETHER_*` constants. See tether/types.h.
pub type tether_status = i32;

/// Opaque runtime: a library served on lanes tether owns. See tether/types.h and tether/runtime.h.
#[repr(C)]
pub struct tether_runtime {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// Opaque completion queue. See tether/types.h and tether/cq.h.
#[repr(C)]
pub struct tether_cq {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// Opaque stream: an ordered producer of calls. See tether/types.h and tether/stream.h.
#[repr(C)]
pub struct tether_stream {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// Opaque library-side object: one lane (thread) of a runtime. See tether/types.h.
#[repr(C)]
pub struct tether_lane {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// Host callback for one completed call (`tether_callback_fn`). See tether/types.h.
pub type tether_callback_fn = Option<unsafe extern "C" fn(completion: *mut tether_completion)>;

/// Log sink (`tether_log_fn`). See tether/types.h and tether/log.h.
pub type tether_log_fn =
    Option<unsafe extern "C" fn(user_data: u64, level: i32, message: *const c_char)>;

/// Work a library runs on its lane (`tether_lane_fn`). See tether/types.h.
pub type tether_lane_fn = Option<unsafe extern "C" fn(arg: *mut c_void, status: tether_status)>;

/// Destroys a library object whose handle lost its last reference. See tether/types.h and tether/handle.h.
pub type tether_handle_destroy_fn = Option<unsafe extern "C" fn(object: *mut c_void)>;

/// The entry point a library exports for `tether_runtime_open_path`. See tether/types.h.
pub type tether_library_entry_fn = Option<unsafe extern "C" fn() -> *const tether_library>;

// ---------------------------------------------------------------------------
// tether/version.h
// ---------------------------------------------------------------------------

/// Major version of the headers these declarations follow. See tether/version.h.
pub const TETHER_VERSION_MAJOR: u32 = 0;
/// Minor version of the headers these declarations follow. See tether/version.h.
pub const TETHER_VERSION_MINOR: u32 = 1;
/// Patch version of the headers these declarations follow. See tether/version.h.
pub const TETHER_VERSION_PATCH: u32 = 0;
/// The headers' version as "MAJOR.MINOR.PATCH" (without the C string's NUL). See tether/version.h.
pub const TETHER_VERSION_STRING: &str = "0.1.0";
/// The headers' version as major * 1000000 + minor * 1000 + patch. See tether/version.h.
pub const TETHER_VERSION_NUMBER: u32 =
    TETHER_VERSION_MAJOR * 1000000 + TETHER_VERSION_MINOR * 1000 + TETHER_VERSION_PATCH;

// ---------------------------------------------------------------------------
// tether/status.h
// ---------------------------------------------------------------------------

/// Success. See tether/status.h.
pub const TETHER_OK: tether_status = 0;
/// A NULL pointer, too small a struct_size or a value out of range. See tether/status.h.
pub const TETHER_E_INVALID_ARG: tether_status = 1;
/// Over the runtime's credits, or a queue polled by another thread. See tether/status.h.
pub const TETHER_E_BUSY: tether_status = 2;
/// The runtime or completion queue is shut down. See tether/status.h.
pub const TETHER_E_CLOSED: tether_status = 3;
/// The call was cancelled by `tether_cancel`. See tether/status.h.
pub const TETHER_E_CANCELLED: tether_status = 4;
/// The call's deadline passed before the library replied. See tether/status.h.
pub const TETHER_E_DEADLINE: tether_status = 5;
/// The library reported an error. See tether/status.h.
pub const TETHER_E_LIBRARY: tether_status = 6;
/// The ticket or request id names no live call. See tether/status.h.
pub const TETHER_E_STALE_TICKET: tether_status = 7;
/// The call already has its outcome. See tether/status.h.
pub const TETHER_E_ALREADY_COMPLETED: tether_status = 8;
/// The function would wait for the thread it is called from. See tether/status.h.
pub const TETHER_E_WOULD_DEADLOCK: tether_status = 9;
/// The runtime was created before fork(). See tether/status.h.
pub const TETHER_E_FORKED: tether_status = 10;
/// Memory could not be allocated. See tether/status.h.
pub const TETHER_E_NO_MEMORY: tether_status = 11;
/// A payload or buffer is larger than the configured maximum. See tether/status.h.
pub const TETHER_E_TOO_LARGE: tether_status = 12;
/// Loading a library failed. See tether/status.h.
pub const TETHER_E_LOAD: tether_status = 13;
/// A struct_size or ABI version newer than this tether knows. See tether/status.h.
pub const TETHER_E_VERSION: tether_status = 14;
/// A lane-only function was called from another thread. See tether/status.h.
pub const TETHER_E_WRONG_THREAD: tether_status = 15;
/// The pointer was not allocated by `tether_buf_alloc`. See tether/status.h.
pub const TETHER_E_FOREIGN_BUFFER: tether_status = 16;
/// The buffer was already freed. See tether/status.h.
pub const TETHER_E_DOUBLE_FREE: tether_status = 17;
/// An unexpected internal failure. See tether/status.h.
pub const TETHER_E_INTERNAL: tether_status = 18;
/// A tether buffer's bytes were written where they must not be. See tether/status.h.
pub const TETHER_E_BUFFER_CORRUPT: tether_status = 19;
/// Writing to a file descriptor the host passed failed. See tether/status.h.
pub const TETHER_E_IO: tether_status = 20;
/// `tether_recorder_dump` flag: include captured payloads. See tether/recorder.h.
pub const TETHER_RECORDER_PAYLOADS: u32 = 1;

// ---------------------------------------------------------------------------
// tether/buffer.h
// ---------------------------------------------------------------------------

/// Largest single buffer `tether_buf_alloc` hands out (1 GiB). See tether/buffer.h.
pub const TETHER_BUF_MAX_SIZE: usize = 1 << 30;
/// Buffer mode: release (header checked on free). See tether/buffer.h.
pub const TETHER_BUF_MODE_RELEASE: i32 = 0;
/// Buffer mode: debug (guards, fill patterns, quarantine). See tether/buffer.h.
pub const TETHER_BUF_MODE_DEBUG: i32 = 1;
/// Debug mode: every byte of a new buffer. See tether/buffer.h.
pub const TETHER_BUF_NEW_BYTE: u8 = 0xCB;
/// Debug mode: every byte of a freed buffer while in quarantine. See tether/buffer.h.
pub const TETHER_BUF_FREED_BYTE: u8 = 0xDB;
/// Debug mode: the guards before and after the data. See tether/buffer.h.
pub const TETHER_BUF_GUARD_BYTE: u8 = 0xFB;
/// Misuse kind: double free. See tether/buffer.h.
pub const TETHER_BUF_PROBLEM_DOUBLE_FREE: i32 = 0;
/// Misuse kind: free of a pointer tether did not allocate. See tether/buffer.h.
pub const TETHER_BUF_PROBLEM_FOREIGN: i32 = 1;
/// Misuse kind: write past the end. See tether/buffer.h.
pub const TETHER_BUF_PROBLEM_OVERWRITE: i32 = 2;
/// Misuse kind: write before the start. See tether/buffer.h.
pub const TETHER_BUF_PROBLEM_UNDERWRITE: i32 = 3;
/// Misuse kind: write after free. See tether/buffer.h.
pub const TETHER_BUF_PROBLEM_WRITE_AFTER_FREE: i32 = 4;

// ---------------------------------------------------------------------------
// tether/call.h
// ---------------------------------------------------------------------------

/// Key meaning "any lane". See tether/call.h.
pub const TETHER_KEY_ANY: u64 = u64::MAX;
/// `tether_call.flags`: the payload is a tether buffer whose ownership moves to tether. See tether/call.h.
pub const TETHER_CALL_MOVE_PAYLOAD: u32 = 1;

/// One call to submit (versioned: grows only at its end). See tether/call.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_call {
    pub struct_size: usize,
    pub method: u32,
    pub flags: u32,
    pub key: u64,
    pub timeout_ns: u64,
    pub payload: *const c_void,
    pub payload_len: usize,
}

/// One completed call, as a callback or `tether_cq_poll` sees it. See tether/call.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_completion {
    pub struct_size: usize,
    pub user_data: u64,
    pub ticket: u64,
    pub status: tether_status,
    pub library_code: i32,
    pub result: *mut c_void,
    pub result_len: usize,
    pub error: *mut c_char,
    pub error_len: usize,
    pub lane: u32,
    pub reserved0: u32,
    pub latency_ns: u64,
}

const fn align_up(offset: usize, align: usize) -> usize {
    (offset + align - 1) / align * align
}

/// The smallest elem_size `tether_cq_poll` accepts: version 1 of `tether_completion`
/// (offsetof(error_len) + sizeof(size_t)). See tether/call.h.
pub const TETHER_COMPLETION_MIN_SIZE: usize = {
    use core::mem::{align_of, size_of};
    let mut off = size_of::<usize>(); // struct_size
    off = align_up(off, align_of::<u64>()) + 8; // user_data
    off = align_up(off, align_of::<u64>()) + 8; // ticket
    off = align_up(off, align_of::<i32>()) + 4; // status
    off = align_up(off, align_of::<i32>()) + 4; // library_code
    off = align_up(off, align_of::<*mut c_void>()) + size_of::<*mut c_void>(); // result
    off = align_up(off, align_of::<usize>()) + size_of::<usize>(); // result_len
    off = align_up(off, align_of::<*mut c_char>()) + size_of::<*mut c_char>(); // error
    align_up(off, align_of::<usize>()) + size_of::<usize>() // error_len
};

// ---------------------------------------------------------------------------
// tether/runtime.h
// ---------------------------------------------------------------------------

/// Deliver completions on the lane that replied (lowest latency). See tether/runtime.h.
pub const TETHER_DELIVER_ON_LANE: i32 = 0;
/// Deliver completions on the delivery thread. See tether/runtime.h.
pub const TETHER_DELIVER_ON_THREAD: i32 = 1;
/// Leak check at destroy: off. See tether/runtime.h.
pub const TETHER_LEAK_CHECK_OFF: i32 = 0;
/// Leak check at destroy: log the report. See tether/runtime.h.
pub const TETHER_LEAK_CHECK_LOG: i32 = 1;
/// Leak check at destroy: log and abort on this runtime's leaks. See tether/runtime.h.
pub const TETHER_LEAK_CHECK_FAIL: i32 = 2;
/// Shutdown mode: wait for calls in flight up to the timeout. See tether/runtime.h.
pub const TETHER_SHUTDOWN_DRAIN: i32 = 0;
/// Shutdown mode: end every pending call at once. See tether/runtime.h.
pub const TETHER_SHUTDOWN_CANCEL: i32 = 1;

/// Runtime configuration, filled by `tether_runtime_config_init` (versioned). See tether/runtime.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_runtime_config {
    pub struct_size: usize,
    pub lanes: u32,
    pub pin_lanes: i32,
    pub deliver: i32,
    pub max_calls_in_flight: u32,
    pub max_bytes_in_flight: u64,
    pub max_payload_bytes: u64,
    pub spin_ns: u64,
    pub library_data: *mut c_void,
    pub growth_threshold: u64,
    pub leak_check: i32,
    pub buffer_debug: i32,
    // Version 2: the boundary recorder (tether/recorder.h).
    pub recorder_entries: u32,
    pub capture_max_payload: u32,
    pub capture_bytes: u64,
    pub capture_dir: *const c_char,
}

// ---------------------------------------------------------------------------
// tether/stats.h
// ---------------------------------------------------------------------------

/// A snapshot of a runtime's counters (versioned). See tether/stats.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_stats {
    pub struct_size: usize,
    pub submitted: u64,
    pub rejected_busy: u64,
    pub completed_ok: u64,
    pub completed_library: u64,
    pub completed_cancelled: u64,
    pub completed_deadline: u64,
    pub completed_closed: u64,
    pub in_flight: u64,
    pub bytes_in_flight: u64,
    pub late_replies: u64,
    pub callback_exceptions: u64,
    pub lanes: u32,
    pub reserved0: u32,
    pub queue_depth: u64,
    pub cq_backlog: u64,
    pub buffers_live: u64,
    pub buffer_bytes_live: u64,
    pub latency_p50_ns: u64,
    pub latency_p99_ns: u64,
    pub latency_p999_ns: u64,
}

/// One lane's counters (versioned). See tether/stats.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_lane_stats {
    pub struct_size: usize,
    pub lane: u32,
    pub reserved0: u32,
    pub queue_depth: u64,
    pub handled: u64,
    pub parks: u64,
}

// ---------------------------------------------------------------------------
// tether/log.h
// ---------------------------------------------------------------------------

/// Log level: debug. See tether/log.h.
pub const TETHER_LOG_DEBUG: i32 = 0;
/// Log level: info. See tether/log.h.
pub const TETHER_LOG_INFO: i32 = 1;
/// Log level: warn (the default threshold). See tether/log.h.
pub const TETHER_LOG_WARN: i32 = 2;
/// Log level: error. See tether/log.h.
pub const TETHER_LOG_ERROR: i32 = 3;
/// Log level: off (as a threshold). See tether/log.h.
pub const TETHER_LOG_OFF: i32 = 4;

// ---------------------------------------------------------------------------
// tether/library.h (structs and function-pointer types only)
// ---------------------------------------------------------------------------

/// The ABI version of `tether_library` and `tether_host_api` described here. See tether/library.h.
pub const TETHER_LIBRARY_ABI_VERSION: u32 = 1;

/// One request, as a library's handle function sees it (versioned). See tether/library.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_request {
    pub struct_size: usize,
    pub id: u64,
    pub method: u32,
    pub lane_index: u32,
    pub key: u64,
    pub payload: *const c_void,
    pub payload_len: usize,
}

/// The table of host functions a library receives at lane start (versioned). See tether/library.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_host_api {
    pub struct_size: usize,
    pub abi_version: u32,
    pub reserved0: u32,
    pub reply: Option<
        unsafe extern "C" fn(request: u64, result: *mut c_void, result_len: usize) -> tether_status,
    >,
    pub reply_error: Option<
        unsafe extern "C" fn(request: u64, code: i32, message: *const c_char) -> tether_status,
    >,
    pub buf_alloc: Option<unsafe extern "C" fn(size: usize) -> *mut c_void>,
    pub buf_free: Option<unsafe extern "C" fn(data: *mut c_void) -> tether_status>,
    pub is_cancelled: Option<unsafe extern "C" fn(request: u64) -> i32>,
    pub post: Option<
        unsafe extern "C" fn(
            lane: *mut tether_lane,
            fn_: tether_lane_fn,
            arg: *mut c_void,
        ) -> tether_status,
    >,
    pub timer_start: Option<
        unsafe extern "C" fn(
            lane: *mut tether_lane,
            delay_ns: u64,
            fn_: tether_lane_fn,
            arg: *mut c_void,
        ) -> tether_status,
    >,
    pub log: Option<unsafe extern "C" fn(level: i32, message: *const c_char)>,
    pub gauge_register: Option<
        unsafe extern "C" fn(
            lane: *mut tether_lane,
            name: *const c_char,
            gauge_out: *mut u32,
        ) -> tether_status,
    >,
    pub gauge_set: Option<
        unsafe extern "C" fn(lane: *mut tether_lane, gauge: u32, value: u64) -> tether_status,
    >,
    pub handle_new: Option<
        unsafe extern "C" fn(
            object: *mut c_void,
            destroy: tether_handle_destroy_fn,
            type_: *const c_char,
            handle_out: *mut u64,
        ) -> tether_status,
    >,
    pub handle_get:
        Option<unsafe extern "C" fn(handle: u64, object_out: *mut *mut c_void) -> tether_status>,
    pub handle_retain: Option<unsafe extern "C" fn(handle: u64) -> tether_status>,
    pub handle_release: Option<unsafe extern "C" fn(handle: u64) -> tether_status>,
}

/// A library's table of functions, given to `tether_runtime_open` (versioned). See tether/library.h.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct tether_library {
    pub struct_size: usize,
    pub abi_version: u32,
    pub reserved0: u32,
    pub name: *const c_char,
    pub lane_start: Option<
        unsafe extern "C" fn(
            host: *const tether_host_api,
            lane: *mut tether_lane,
            lane_index: u32,
            library_data: *mut c_void,
            lane_state: *mut *mut c_void,
        ) -> tether_status,
    >,
    pub handle:
        Option<unsafe extern "C" fn(lane_state: *mut c_void, request: *const tether_request)>,
    pub lane_stop: Option<unsafe extern "C" fn(lane_state: *mut c_void)>,
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

extern "C" {
    // tether/version.h
    /// The version of the loaded library, as TETHER_VERSION_NUMBER computes it. See tether/version.h.
    pub fn tether_version_number() -> u32;
    /// The loaded library's version as a static "MAJOR.MINOR.PATCH" string. See tether/version.h.
    pub fn tether_version_string() -> *const c_char;

    // tether/status.h
    /// A static, NUL-terminated name for a status. See tether/status.h.
    pub fn tether_status_str(status: tether_status) -> *const c_char;

    // tether/buffer.h
    /// Allocates a tether buffer of `size` bytes. See tether/buffer.h.
    pub fn tether_buf_alloc(size: usize) -> *mut c_void;
    /// Allocates a tether buffer, naming `site_tag` as its allocation site. See tether/buffer.h.
    pub fn tether_buf_alloc_tagged(size: usize, site_tag: *const c_char) -> *mut c_void;
    /// Frees a tether buffer (and only a tether buffer). See tether/buffer.h.
    pub fn tether_buf_free(data: *mut c_void) -> tether_status;
    /// Frees a tether buffer, naming `site_tag` as the freeing site. See tether/buffer.h.
    pub fn tether_buf_free_tagged(data: *mut c_void, site_tag: *const c_char) -> tether_status;
    /// The size a tether buffer was allocated with. See tether/buffer.h.
    pub fn tether_buf_size(data: *const c_void, size_out: *mut usize) -> tether_status;
    /// Number of live tether buffers and their total bytes. See tether/buffer.h.
    pub fn tether_buf_live(count_out: *mut u64, bytes_out: *mut u64);
    /// Sets the growth watch thresholds over live buffers. See tether/buffer.h.
    pub fn tether_buf_set_growth_threshold(count_threshold: u64, bytes_threshold: u64);
    /// Sets the mode of buffers allocated from now on. See tether/buffer.h.
    pub fn tether_buf_set_mode(mode: i32) -> tether_status;
    /// The mode new buffers get. See tether/buffer.h.
    pub fn tether_buf_mode() -> i32;
    /// Checks every live and quarantined buffer now. See tether/buffer.h.
    pub fn tether_buf_check_all() -> tether_status;
    /// How many misuses of one kind were found in this process. See tether/buffer.h.
    pub fn tether_buf_problems(problem: i32, count_out: *mut u64) -> tether_status;

    // tether/call.h
    /// Fills a call with defaults and sets struct_size. See tether/call.h.
    pub fn tether_call_init(call: *mut tether_call);
    /// Submits one call completing through `callback`. See tether/call.h.
    pub fn tether_submit(
        runtime: *mut tether_runtime,
        call: *const tether_call,
        callback: tether_callback_fn,
        user_data: u64,
        ticket_out: *mut u64,
    ) -> tether_status;
    /// Submits one call completing into a completion queue. See tether/call.h.
    pub fn tether_submit_cq(
        runtime: *mut tether_runtime,
        call: *const tether_call,
        cq: *mut tether_cq,
        tag: u64,
        ticket_out: *mut u64,
    ) -> tether_status;
    /// Submits `count` calls completing through `callback`. See tether/call.h.
    pub fn tether_submit_batch(
        runtime: *mut tether_runtime,
        calls: *const tether_call,
        count: usize,
        callback: tether_callback_fn,
        user_data: *const u64,
        tickets_out: *mut u64,
        submitted_out: *mut usize,
    ) -> tether_status;
    /// Submits `count` calls completing into a completion queue. See tether/call.h.
    pub fn tether_submit_batch_cq(
        runtime: *mut tether_runtime,
        calls: *const tether_call,
        count: usize,
        cq: *mut tether_cq,
        tags: *const u64,
        tickets_out: *mut u64,
        submitted_out: *mut usize,
    ) -> tether_status;
    /// Asks for a call to end with TETHER_E_CANCELLED. See tether/call.h.
    pub fn tether_cancel(runtime: *mut tether_runtime, ticket: u64) -> tether_status;

    // tether/cq.h
    /// Creates a completion queue for calls of `runtime`. See tether/cq.h.
    pub fn tether_cq_open(
        runtime: *mut tether_runtime,
        cq_out: *mut *mut tether_cq,
    ) -> tether_status;
    /// The queue's eventfd, owned by tether. See tether/cq.h.
    pub fn tether_cq_fd(cq: *const tether_cq) -> c_int;
    /// Resets the queue's eventfd. See tether/cq.h.
    pub fn tether_cq_reset_fd(cq: *mut tether_cq) -> tether_status;
    /// Moves up to `max` completions into `out`, waiting up to timeout_ns. See tether/cq.h.
    pub fn tether_cq_poll(
        cq: *mut tether_cq,
        out: *mut c_void,
        elem_size: usize,
        max: usize,
        timeout_ns: u64,
        count_out: *mut usize,
    ) -> tether_status;
    /// Takes the completions ready now, leaving the eventfd unarmed. See tether/cq.h.
    pub fn tether_cq_take(
        cq: *mut tether_cq,
        out: *mut c_void,
        elem_size: usize,
        max: usize,
        count_out: *mut usize,
    ) -> tether_status;
    /// Stops intake into the queue. See tether/cq.h.
    pub fn tether_cq_shutdown(cq: *mut tether_cq) -> tether_status;
    /// Shuts the queue down and frees it. See tether/cq.h.
    pub fn tether_cq_destroy(cq: *mut tether_cq);

    // tether/crash.h
    /// Installs the crash handler for faults on lanes. See tether/crash.h.
    pub fn tether_crash_handler_install() -> tether_status;

    // tether/handle.h
    /// Adds a reference to a handle. See tether/handle.h.
    pub fn tether_handle_retain(handle: u64) -> tether_status;
    /// Drops a reference to a handle. See tether/handle.h.
    pub fn tether_handle_release(handle: u64) -> tether_status;
    /// Number of live handles, process-wide. See tether/handle.h.
    pub fn tether_handles_live() -> u64;

    // tether/log.h
    /// Routes log lines at or above min_level to `sink`. See tether/log.h.
    pub fn tether_log_set_sink(
        sink: tether_log_fn,
        user_data: u64,
        min_level: i32,
    ) -> tether_status;

    // tether/runtime.h
    /// Fills a runtime config with defaults and sets struct_size. See tether/runtime.h.
    pub fn tether_runtime_config_init(config: *mut tether_runtime_config);
    /// Opens a runtime serving a library linked into the process. See tether/runtime.h.
    pub fn tether_runtime_open(
        library: *const tether_library,
        config: *const tether_runtime_config,
        runtime_out: *mut *mut tether_runtime,
        error_out: *mut *mut c_char,
    ) -> tether_status;
    /// Opens a runtime serving a library loaded with dlopen(path). See tether/runtime.h.
    pub fn tether_runtime_open_path(
        path: *const c_char,
        symbol: *const c_char,
        config: *const tether_runtime_config,
        runtime_out: *mut *mut tether_runtime,
        error_out: *mut *mut c_char,
    ) -> tether_status;
    /// Stops intake and ends every call. See tether/runtime.h.
    pub fn tether_runtime_shutdown(
        runtime: *mut tether_runtime,
        mode: i32,
        timeout_ns: u64,
    ) -> tether_status;
    /// Shuts down if needed, then frees the runtime. See tether/runtime.h.
    pub fn tether_runtime_destroy(runtime: *mut tether_runtime) -> tether_status;
    /// Writes what is still alive that someone should have let go of. See tether/runtime.h.
    pub fn tether_runtime_leak_report(
        runtime: *const tether_runtime,
        report_out: *mut *mut c_char,
        findings_out: *mut u64,
    ) -> tether_status;
    /// Number of lanes the runtime runs. See tether/runtime.h.
    pub fn tether_runtime_lanes(runtime: *const tether_runtime) -> u32;

    // tether/recorder.h
    pub fn tether_recorder_dump(
        runtime: *const tether_runtime,
        fd: c_int,
        flags: u32,
    ) -> tether_status;

    // tether/stats.h
    /// Sets a stats struct's struct_size. See tether/stats.h.
    pub fn tether_stats_init(stats: *mut tether_stats);
    /// Fills a snapshot of the runtime's counters. See tether/stats.h.
    pub fn tether_runtime_stats(
        runtime: *const tether_runtime,
        stats: *mut tether_stats,
    ) -> tether_status;
    /// Sets a lane stats struct's struct_size. See tether/stats.h.
    pub fn tether_lane_stats_init(stats: *mut tether_lane_stats);
    /// Fills one lane's counters. See tether/stats.h.
    pub fn tether_runtime_lane_stats(
        runtime: *const tether_runtime,
        lane: u32,
        stats: *mut tether_lane_stats,
    ) -> tether_status;

    // tether/stream.h
    /// Opens a stream on `runtime`. See tether/stream.h.
    pub fn tether_stream_open(
        runtime: *mut tether_runtime,
        stream_out: *mut *mut tether_stream,
    ) -> tether_status;
    /// As `tether_submit`, through the stream. See tether/stream.h.
    pub fn tether_stream_submit(
        stream: *mut tether_stream,
        call: *const tether_call,
        callback: tether_callback_fn,
        user_data: u64,
        ticket_out: *mut u64,
    ) -> tether_status;
    /// As `tether_submit_cq`, through the stream. See tether/stream.h.
    pub fn tether_stream_submit_cq(
        stream: *mut tether_stream,
        call: *const tether_call,
        cq: *mut tether_cq,
        tag: u64,
        ticket_out: *mut u64,
    ) -> tether_status;
    /// Frees the stream. See tether/stream.h.
    pub fn tether_stream_destroy(stream: *mut tether_stream);
}
