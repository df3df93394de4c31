//! Helpers for the library-side tests: the test library's path and
//! methods, one-test-at-a-time locking with the leak check, a log capture,
//! and the few raw host calls the safe crate does not cover yet
//! (cancel, stats).
#![allow(dead_code)]

use std::ffi::{c_void, CStr, CString};
use std::mem::MaybeUninit;
use std::os::raw::c_char;
use std::ptr;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tether::{Config, Runtime};
use tether_sys as sys;

/// The test library's tables and methods (tether-testlib/src/lib.rs).
pub const LIBRARY: &str = "tether_testlib_library";
pub const START_FAILS: &str = "tether_testlib_start_fails";
pub const START_PANICS: &str = "tether_testlib_start_panics";
pub const STOP_PANICS: &str = "tether_testlib_stop_panics";

pub const ECHO: u32 = 1;
pub const FAIL: u32 = 2;
pub const PANIC: u32 = 3;
pub const DROP: u32 = 4;
pub const TIMER: u32 = 5;
pub const POSTED: u32 = 6;
pub const REMOTE: u32 = 7;
pub const SESSION: u32 = 8;
pub const LANE: u32 = 9;
pub const GAUGE: u32 = 10;
pub const HANDLE_NEW: u32 = 11;
pub const HANDLE_GET: u32 = 12;
pub const HANDLE_GET_TALLY: u32 = 13;
pub const SPIN: u32 = 14;
pub const SPINNING: u32 = 15;
pub const LAST_SPIN: u32 = 16;
pub const PANIC_IN_POSTED: u32 = 17;
pub const PANIC_AFTER_REPLY: u32 = 18;
pub const RESULT_BUFFER: u32 = 19;
pub const UNKNOWN_METHOD: i32 = 404;

pub fn testlib_path() -> String {
    std::env::var("TETHER_RUST_TESTLIB").unwrap_or_else(|_| {
        panic!(
            "TETHER_RUST_TESTLIB is not set: build the test library (cargo build -p \
             tether-testlib) and point it at libtether_testlib.so, or run bindings/rust/ci.sh"
        )
    })
}

pub fn open(symbol: &str, lanes: u32) -> tether::Result<Runtime> {
    Runtime::open_path(testlib_path(), symbol, &Config::new().lanes(lanes))
}

pub fn open_testlib(lanes: u32) -> Runtime {
    open(LIBRARY, lanes).unwrap_or_else(|error| panic!("opening the test library: {}", error))
}

pub fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

pub fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

// --- one test at a time, nothing leaked, log lines captured ---------------

static SERIAL: Mutex<()> = Mutex::new(());
static LINES: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());

extern "C" fn capture(_user_data: u64, level: i32, message: *const c_char) {
    // Runs on lanes: nothing here may panic into C.
    let _ = std::panic::catch_unwind(|| {
        let text = if message.is_null() {
            String::new()
        } else {
            // SAFETY: tether passes a NUL-terminated line for the call.
            unsafe { CStr::from_ptr(message) }
                .to_string_lossy()
                .into_owned()
        };
        LINES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((level, text));
    });
}

/// How long a test may take before it is taken for hung (a call that never
/// completes): the process then aborts, naming the test, instead of
/// blocking the suite. Not a speed check: the tests take milliseconds.
const HUNG_AFTER: Duration = Duration::from_secs(120);

/// Runs the tests of this binary one at a time (buffers, handles and the
/// log sink are process-wide), captures tether's log lines at WARN and
/// above while it lives, checks when dropped that no tether buffer or
/// handle leaked, and aborts the process if the test hangs.
pub struct Guard {
    buffers_before: u64,
    handles_before: u64,
    _finished: mpsc::Sender<()>,
    _lock: MutexGuard<'static, ()>,
}

fn watch_for_a_hang() -> mpsc::Sender<()> {
    let (finished, wait) = mpsc::channel::<()>();
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    std::thread::spawn(move || {
        if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(HUNG_AFTER) {
            eprintln!(
                "{} did not finish in {:?}: a call never completed",
                test, HUNG_AFTER
            );
            std::process::abort();
        }
    });
    finished
}

pub fn guard() -> Guard {
    let lock = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    LINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clear();
    // SAFETY: a valid sink and level; any thread.
    let status = unsafe { sys::tether_log_set_sink(Some(capture), 0, sys::TETHER_LOG_WARN) };
    assert_eq!(status, sys::TETHER_OK);
    Guard {
        buffers_before: tether::buffers_live().0,
        // SAFETY: no arguments; any thread.
        handles_before: unsafe { sys::tether_handles_live() },
        _finished: watch_for_a_hang(),
        _lock: lock,
    }
}

impl Guard {
    /// The captured lines at `level` that contain `text`.
    pub fn lines(&self, level: i32, text: &str) -> Vec<String> {
        LINES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .filter(|(at, line)| *at == level && line.contains(text))
            .map(|(_, line)| line.clone())
            .collect()
    }

    pub fn all_lines(&self) -> Vec<String> {
        LINES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|(_, line)| line.clone())
            .collect()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // SAFETY: restores the default sink; any thread.
        unsafe { sys::tether_log_set_sink(None, 0, sys::TETHER_LOG_WARN) };
        if std::thread::panicking() {
            return;
        }
        let (count, bytes) = tether::buffers_live();
        assert_eq!(
            count, self.buffers_before,
            "tether buffers leaked: {} live before the test, {} ({} bytes) after",
            self.buffers_before, count, bytes
        );
        // SAFETY: no arguments; any thread.
        let handles = unsafe { sys::tether_handles_live() };
        assert_eq!(
            handles, self.handles_before,
            "handles leaked: {} live before the test, {} after",
            self.handles_before, handles
        );
    }
}

// --- the raw host calls the safe crate does not cover yet -----------------

/// A call's completion, its buffers copied out and freed.
#[derive(Debug)]
pub struct Outcome {
    pub status: sys::tether_status,
    pub library_code: i32,
    pub result: Vec<u8>,
    pub error: String,
}

/// A runtime opened through tether-sys, for cancel and stats.
pub struct RawRuntime {
    raw: *mut sys::tether_runtime,
}

impl RawRuntime {
    pub fn open(symbol: &str, lanes: u32) -> RawRuntime {
        let path = CString::new(testlib_path()).unwrap();
        let symbol = CString::new(symbol).unwrap();
        let mut config = MaybeUninit::<sys::tether_runtime_config>::zeroed();
        let mut runtime: *mut sys::tether_runtime = ptr::null_mut();
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: init fills the config; every pointer is valid for the call.
        let status = unsafe {
            sys::tether_runtime_config_init(config.as_mut_ptr());
            let mut config = config.assume_init();
            config.lanes = lanes;
            sys::tether_runtime_open_path(
                path.as_ptr(),
                symbol.as_ptr(),
                &config,
                &mut runtime,
                &mut error,
            )
        };
        // SAFETY: error is NULL or a tether buffer that is ours.
        let text = unsafe { take_text(error) };
        assert_eq!(status, sys::TETHER_OK, "open: {}", text);
        RawRuntime { raw: runtime }
    }

    /// Submits a call into `cq`; returns its ticket.
    pub fn submit(&self, cq: &Cq, method: u32, key: u64, payload: &[u8]) -> u64 {
        let mut call = MaybeUninit::<sys::tether_call>::zeroed();
        let mut ticket = 0u64;
        // SAFETY: init fills the call; the payload is copied by submit.
        let status = unsafe {
            sys::tether_call_init(call.as_mut_ptr());
            let mut call = call.assume_init();
            call.method = method;
            call.key = key;
            call.payload = payload.as_ptr() as *const c_void;
            call.payload_len = payload.len();
            sys::tether_submit_cq(self.raw, &call, cq.raw, 0, &mut ticket)
        };
        assert_eq!(status, sys::TETHER_OK, "submit of method {}", method);
        ticket
    }

    /// One call, waited for.
    pub fn call(&self, method: u32, key: u64, payload: &[u8]) -> Outcome {
        let cq = Cq::open(self);
        self.submit(&cq, method, key, payload);
        cq.wait()
    }

    pub fn cancel(&self, ticket: u64) -> sys::tether_status {
        // SAFETY: a live runtime; any thread.
        unsafe { sys::tether_cancel(self.raw, ticket) }
    }

    pub fn shutdown(&self) {
        // SAFETY: a live runtime; any thread.
        let status =
            unsafe { sys::tether_runtime_shutdown(self.raw, sys::TETHER_SHUTDOWN_CANCEL, 0) };
        assert_eq!(status, sys::TETHER_OK);
    }

    pub fn stats(&self) -> sys::tether_stats {
        let mut stats = MaybeUninit::<sys::tether_stats>::zeroed();
        // SAFETY: init sets struct_size; the snapshot fills the rest.
        unsafe {
            sys::tether_stats_init(stats.as_mut_ptr());
            assert_eq!(
                sys::tether_runtime_stats(self.raw, stats.as_mut_ptr()),
                sys::TETHER_OK
            );
            stats.assume_init()
        }
    }
}

impl Drop for RawRuntime {
    fn drop(&mut self) {
        // SAFETY: ours, destroyed once, nothing else running on it.
        unsafe { sys::tether_runtime_destroy(self.raw) };
    }
}

pub struct Cq {
    raw: *mut sys::tether_cq,
}

impl Cq {
    pub fn open(runtime: &RawRuntime) -> Cq {
        let mut raw: *mut sys::tether_cq = ptr::null_mut();
        // SAFETY: a live runtime; any thread.
        assert_eq!(
            unsafe { sys::tether_cq_open(runtime.raw, &mut raw) },
            sys::TETHER_OK
        );
        Cq { raw }
    }

    /// Waits for one completion.
    pub fn wait(&self) -> Outcome {
        loop {
            let mut completion = MaybeUninit::<sys::tether_completion>::zeroed();
            let mut count = 0usize;
            // SAFETY: room for one completion; only this thread polls.
            let status = unsafe {
                sys::tether_cq_poll(
                    self.raw,
                    completion.as_mut_ptr() as *mut c_void,
                    std::mem::size_of::<sys::tether_completion>(),
                    1,
                    u64::MAX,
                    &mut count,
                )
            };
            assert_eq!(status, sys::TETHER_OK);
            if count == 1 {
                // SAFETY: tether wrote it; its buffers are ours to free.
                unsafe {
                    let completion = completion.assume_init();
                    let result = if completion.result.is_null() {
                        Vec::new()
                    } else {
                        std::slice::from_raw_parts(
                            completion.result as *const u8,
                            completion.result_len,
                        )
                        .to_vec()
                    };
                    sys::tether_buf_free(completion.result);
                    return Outcome {
                        status: completion.status,
                        library_code: completion.library_code,
                        result,
                        error: take_text(completion.error),
                    };
                }
            }
        }
    }
}

impl Drop for Cq {
    fn drop(&mut self) {
        // SAFETY: ours, destroyed once.
        unsafe { sys::tether_cq_destroy(self.raw) };
    }
}

/// Copies a NUL-terminated tether buffer's text out and frees it.
///
/// # Safety
///
/// `text` is NULL or a live NUL-terminated tether buffer nothing else frees.
unsafe fn take_text(text: *mut c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    let owned = CStr::from_ptr(text).to_string_lossy().into_owned();
    sys::tether_buf_free(text as *mut c_void);
    owned
}
