//! The store as plain blocking `extern "C"` functions
//! (`include/store_shim.h`): every call runs on the caller's thread, with a
//! connection and a session that thread builds on its first call.

use std::cell::RefCell;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::slice;
use std::sync::OnceLock;
use std::time::Duration;

use store::{Conn, Store};

const NOT_OPEN: i32 = -1;
const INVALID_ARG: i32 = -2;
const ALREADY_OPEN: i32 = -3;
const PANIC: i32 = -4;
const LOG_SESSIONS: u32 = 1;

struct Opened {
    store: Store,
    log_sessions: bool,
}

static OPENED: OnceLock<Opened> = OnceLock::new();

thread_local! {
    /// This thread's connection, opened on its first call.
    static CONN: RefCell<Option<Conn>> = const { RefCell::new(None) };
}

/// Runs `body`, turning a panic into `PANIC` (a panic must not unwind into C).
fn guarded(body: impl FnOnce() -> i32) -> i32 {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(PANIC)
}

/// # Safety
///
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn store_shim_open(
    path: *const c_char,
    busy_timeout_ms: u32,
    flags: u32,
) -> i32 {
    guarded(|| {
        if path.is_null() {
            return INVALID_ARG;
        }
        if OPENED.get().is_some() {
            return ALREADY_OPEN;
        }
        // SAFETY: a NUL-terminated string, by the contract.
        let path = unsafe { CStr::from_ptr(path) }
            .to_string_lossy()
            .into_owned();
        let store = match Store::open(path, Duration::from_millis(u64::from(busy_timeout_ms))) {
            Ok(store) => store,
            Err(failure) => {
                eprintln!("store-shim: {}", failure);
                return failure.code as i32;
            }
        };
        let opened = Opened {
            store,
            log_sessions: flags & LOG_SESSIONS != 0,
        };
        match OPENED.set(opened) {
            Ok(()) => 0,
            Err(_) => ALREADY_OPEN,
        }
    })
}

/// # Safety
///
/// `payload` is NULL with `payload_len` 0 or points at `payload_len`
/// readable bytes; `result` and `result_len` point at writable locations.
#[no_mangle]
pub unsafe extern "C" fn store_shim_call(
    method: u32,
    payload: *const u8,
    payload_len: usize,
    result: *mut *mut u8,
    result_len: *mut usize,
) -> i32 {
    guarded(|| {
        if result.is_null() || result_len.is_null() || (payload.is_null() && payload_len != 0) {
            return INVALID_ARG;
        }
        // SAFETY: both point at writable locations, by the contract.
        unsafe {
            *result = ptr::null_mut();
            *result_len = 0;
        }
        let opened = match OPENED.get() {
            Some(opened) => opened,
            None => return NOT_OPEN,
        };
        let payload = if payload_len == 0 {
            &[][..]
        } else {
            // SAFETY: payload_len readable bytes, by the contract.
            unsafe { slice::from_raw_parts(payload, payload_len) }
        };
        let (code, bytes) = match run(opened, method, payload) {
            Ok(bytes) => (0, bytes),
            Err(failure) => (failure.code as i32, failure.message.into_bytes()),
        };
        let (data, len) = into_raw(bytes);
        // SAFETY: as above.
        unsafe {
            *result = data;
            *result_len = len;
        }
        code
    })
}

fn run(opened: &Opened, method: u32, payload: &[u8]) -> Result<Vec<u8>, store::Failure> {
    let log = |line: &str| {
        if opened.log_sessions {
            eprintln!("store-shim: {}", line);
        }
    };
    CONN.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(opened.store.connect()?);
        }
        let conn = slot.as_mut().expect("connected above");
        store::handle(conn, method, payload, &log)
    })
}

fn into_raw(bytes: Vec<u8>) -> (*mut u8, usize) {
    if bytes.is_empty() {
        return (ptr::null_mut(), 0);
    }
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    (Box::into_raw(boxed) as *mut u8, len)
}

/// # Safety
///
/// `result` is NULL or was returned by `store_shim_call` with `result_len`,
/// and is freed once.
#[no_mangle]
pub unsafe extern "C" fn store_shim_free(result: *mut u8, result_len: usize) {
    if result.is_null() {
        return;
    }
    // SAFETY: a Box<[u8]> of result_len bytes made by into_raw, by the
    // contract.
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(result, result_len)) });
}

#[no_mangle]
pub extern "C" fn store_shim_sessions_created() -> u64 {
    store::session::sessions_created()
}

#[no_mangle]
pub extern "C" fn store_shim_busy_answers() -> u64 {
    store::busy_answers()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::thread;
    use store::wire::{Request, Stats};

    fn call(request: Request<'_>) -> (i32, Vec<u8>) {
        let (method, payload) = request.encode();
        let mut result = ptr::null_mut();
        let mut len = 0;
        // SAFETY: a live payload and two writable locations.
        let code = unsafe {
            store_shim_call(
                method,
                payload.as_ptr(),
                payload.len(),
                &mut result,
                &mut len,
            )
        };
        let bytes = if result.is_null() {
            Vec::new()
        } else {
            // SAFETY: len bytes the shim returned, freed once right after.
            let bytes = unsafe { slice::from_raw_parts(result, len) }.to_vec();
            unsafe { store_shim_free(result, len) };
            bytes
        };
        (code, bytes)
    }

    // One test: the store is opened once per process, so the steps before
    // and after opening must run in order.
    #[test]
    fn calls_before_open_bad_arguments_then_one_session_per_thread() {
        assert_eq!(call(Request::Stats).0, NOT_OPEN);
        // SAFETY: NULL is the case being tested.
        assert_eq!(unsafe { store_shim_open(ptr::null(), 100, 0) }, INVALID_ARG);

        let dir = std::env::temp_dir().join(format!("store-shim-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = CString::new(dir.join("db.sqlite").to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { store_shim_open(path.as_ptr(), 1000, 0) }, 0);
        assert_eq!(
            unsafe { store_shim_open(path.as_ptr(), 1000, 0) },
            ALREADY_OPEN
        );

        let mut len = 0;
        // SAFETY: a NULL result pointer is the case being tested.
        let code = unsafe { store_shim_call(2, ptr::null(), 0, ptr::null_mut(), &mut len) };
        assert_eq!(code, INVALID_ARG);
        let mut result = ptr::null_mut();
        // SAFETY: a NULL payload with a length is the case being tested.
        let code = unsafe { store_shim_call(2, ptr::null(), 4, &mut result, &mut len) };
        assert_eq!(code, INVALID_ARG);
        assert!(result.is_null());

        let (code, message) = call(Request::Get { key: b"absent" });
        assert_eq!(code, store::Code::NotFound as i32);
        assert!(String::from_utf8(message).unwrap().contains("absent"));

        let before = store_shim_sessions_created();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                thread::spawn(move || {
                    let key = format!("key{}", t);
                    for round in 0..3 {
                        let value = format!("{}", round);
                        let put = Request::Put {
                            key: key.as_bytes(),
                            value: value.as_bytes(),
                        };
                        assert_eq!(call(put), (0, Vec::new()));
                        assert_eq!(
                            call(Request::Get {
                                key: key.as_bytes()
                            }),
                            (0, value.into_bytes())
                        );
                    }
                    let (code, stats) = call(Request::Stats);
                    assert_eq!(code, 0);
                    Stats::decode(&stats).unwrap().session_ops
                })
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap(), 7);
        }
        assert_eq!(store_shim_sessions_created() - before, 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
