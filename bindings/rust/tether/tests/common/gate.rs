//! A library linked into the test program, opened with `Runtime::open`:
//! ECHO replies with its payload; HOLD keeps its lane busy until the test
//! opens the gate, so that calls queued behind it have not run yet.
//! Written against tether-sys directly, as a C library would be.

use std::os::raw::c_char;
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

use tether_sys as sys;

pub const METHOD_ECHO: u32 = 1;
pub const METHOD_HOLD: u32 = 2;
pub const ERR_UNKNOWN_METHOD: i32 = 99;

static OPEN: Mutex<bool> = Mutex::new(true);
static OPENED: Condvar = Condvar::new();
static HOLDING: AtomicU64 = AtomicU64::new(0);
static ECHOED: AtomicU64 = AtomicU64::new(0);

/// Makes HOLD calls wait until [`open`].
pub fn close() {
    *OPEN.lock().unwrap() = false;
}

/// Lets every HOLD call waiting, and later ones, reply.
pub fn open() {
    *OPEN.lock().unwrap() = true;
    OPENED.notify_all();
}

/// HOLD calls whose handler has started, since the process started.
pub fn holding() -> u64 {
    HOLDING.load(Ordering::SeqCst)
}

/// ECHO calls handled, since the process started.
pub fn echoed() -> u64 {
    ECHOED.load(Ordering::SeqCst)
}

struct Table(sys::tether_library);

// SAFETY: the table is immutable and its one pointer is a static string.
unsafe impl Sync for Table {}

static TABLE: Table = Table(sys::tether_library {
    struct_size: std::mem::size_of::<sys::tether_library>(),
    abi_version: sys::TETHER_LIBRARY_ABI_VERSION,
    reserved0: 0,
    name: b"gate\0".as_ptr() as *const c_char,
    lane_start: Some(lane_start),
    handle: Some(handle),
    lane_stop: None,
});

static FAILING: Table = Table(sys::tether_library {
    struct_size: std::mem::size_of::<sys::tether_library>(),
    abi_version: sys::TETHER_LIBRARY_ABI_VERSION,
    reserved0: 0,
    name: b"failing\0".as_ptr() as *const c_char,
    lane_start: Some(failing_lane_start),
    handle: Some(handle),
    lane_stop: None,
});

static NO_HANDLER: Table = Table(sys::tether_library {
    struct_size: std::mem::size_of::<sys::tether_library>(),
    abi_version: sys::TETHER_LIBRARY_ABI_VERSION,
    reserved0: 0,
    name: ptr::null(),
    lane_start: Some(lane_start),
    handle: None,
    lane_stop: None,
});

/// The gate library's table.
pub fn library() -> &'static sys::tether_library {
    &TABLE.0
}

/// A table whose lane_start fails.
pub fn failing_library() -> &'static sys::tether_library {
    &FAILING.0
}

/// A table without a handle function.
pub fn library_without_handler() -> &'static sys::tether_library {
    &NO_HANDLER.0
}

/// Runs `body`, aborting the test process on a panic rather than letting
/// it unwind into tether.
fn or_abort(body: impl FnOnce()) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).is_err() {
        std::process::abort();
    }
}

unsafe extern "C" fn lane_start(
    host: *const sys::tether_host_api,
    _lane: *mut sys::tether_lane,
    _lane_index: u32,
    _library_data: *mut std::ffi::c_void,
    lane_state: *mut *mut std::ffi::c_void,
) -> sys::tether_status {
    // The host table stays valid until lane_stop: keep it as the lane state.
    *lane_state = host as *mut std::ffi::c_void;
    sys::TETHER_OK
}

unsafe extern "C" fn failing_lane_start(
    _host: *const sys::tether_host_api,
    _lane: *mut sys::tether_lane,
    _lane_index: u32,
    _library_data: *mut std::ffi::c_void,
    _lane_state: *mut *mut std::ffi::c_void,
) -> sys::tether_status {
    sys::TETHER_E_INTERNAL
}

unsafe extern "C" fn handle(
    lane_state: *mut std::ffi::c_void,
    request: *const sys::tether_request,
) {
    or_abort(|| {
        let host = &*(lane_state as *const sys::tether_host_api);
        let request = &*request;
        let reply = host.reply.unwrap();
        match request.method {
            METHOD_ECHO => {
                ECHOED.fetch_add(1, Ordering::SeqCst);
                let len = request.payload_len;
                let result = if len == 0 {
                    ptr::null_mut()
                } else {
                    let result = host.buf_alloc.unwrap()(len);
                    assert!(!result.is_null());
                    ptr::copy_nonoverlapping(request.payload as *const u8, result as *mut u8, len);
                    result
                };
                reply(request.id, result, len);
            }
            METHOD_HOLD => {
                HOLDING.fetch_add(1, Ordering::SeqCst);
                let mut open = OPEN.lock().unwrap();
                while !*open {
                    open = OPENED.wait(open).unwrap();
                }
                drop(open);
                reply(request.id, ptr::null_mut(), 0);
            }
            _ => {
                host.reply_error.unwrap()(
                    request.id,
                    ERR_UNKNOWN_METHOD,
                    b"gate: unknown method\0".as_ptr() as *const c_char,
                );
            }
        }
    });
}
