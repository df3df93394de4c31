//! Link-level checks through the raw API against the installed libtether
//! and the kvstore example library (its path in TETHER_KVSTORE_LIBRARY).

use core::ffi::c_void;
use core::ptr;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use tether_sys::*;

/// kvstore's STATS method: empty payload, any key, a 32-byte reply
/// (examples/kvstore/kvstore.h).
const KVSTORE_METHOD_STATS: u32 = 5;
const KVSTORE_STATS_SIZE: usize = 32;

fn kvstore_path() -> CString {
    let path = std::env::var("TETHER_KVSTORE_LIBRARY").unwrap_or_else(|_| {
        panic!(
            "TETHER_KVSTORE_LIBRARY is not set: point it at the kvstore example library \
             (build/release/examples/kvstore/libkvstore.so), or run bindings/rust/ci.sh"
        )
    });
    CString::new(path).unwrap()
}

unsafe fn message(text: *const c_char) -> String {
    if text.is_null() {
        String::new()
    } else {
        CStr::from_ptr(text).to_string_lossy().into_owned()
    }
}

/// Opens the kvstore library by path with two lanes.
unsafe fn open_kvstore() -> *mut tether_runtime {
    let path = kvstore_path();
    let symbol = CString::new("tether_kvstore_library").unwrap();
    let mut config = core::mem::zeroed::<tether_runtime_config>();
    tether_runtime_config_init(&mut config);
    assert_eq!(
        config.struct_size,
        core::mem::size_of::<tether_runtime_config>()
    );
    config.lanes = 2;
    let mut runtime: *mut tether_runtime = ptr::null_mut();
    let mut error: *mut c_char = ptr::null_mut();
    let status = tether_runtime_open_path(
        path.as_ptr(),
        symbol.as_ptr(),
        &config,
        &mut runtime,
        &mut error,
    );
    assert_eq!(
        status,
        TETHER_OK,
        "tether_runtime_open_path({:?}): {}: {}",
        path,
        message(tether_status_str(status)),
        message(error)
    );
    assert!(error.is_null());
    assert!(!runtime.is_null());
    assert_eq!(tether_runtime_lanes(runtime), 2);
    runtime
}

#[test]
fn version_matches_the_headers() {
    unsafe {
        assert_eq!(tether_version_number(), TETHER_VERSION_NUMBER);
        assert_eq!(message(tether_version_string()), TETHER_VERSION_STRING);
    }
}

#[test]
fn status_names() {
    unsafe {
        assert_eq!(message(tether_status_str(TETHER_E_BUSY)), "TETHER_E_BUSY");
        assert_eq!(message(tether_status_str(TETHER_OK)), "TETHER_OK");
        assert_eq!(message(tether_status_str(12345)), "TETHER_E_UNKNOWN");
    }
}

#[test]
fn kvstore_call_through_a_completion_queue() {
    unsafe {
        let runtime = open_kvstore();
        let mut cq: *mut tether_cq = ptr::null_mut();
        assert_eq!(tether_cq_open(runtime, &mut cq), TETHER_OK);
        assert!(!cq.is_null());
        assert!(tether_cq_fd(cq) >= 0);

        let mut call = core::mem::zeroed::<tether_call>();
        tether_call_init(&mut call);
        assert_eq!(call.struct_size, core::mem::size_of::<tether_call>());
        assert_eq!(call.key, TETHER_KEY_ANY);
        call.method = KVSTORE_METHOD_STATS;
        let tag = 0x5eed_0001_u64;
        let mut ticket = 0u64;
        let status = tether_submit_cq(runtime, &call, cq, tag, &mut ticket);
        assert_eq!(
            status,
            TETHER_OK,
            "submit: {}",
            message(tether_status_str(status))
        );
        assert_ne!(ticket, 0);

        let mut completion = core::mem::zeroed::<tether_completion>();
        let mut count = 0usize;
        let status = tether_cq_poll(
            cq,
            &mut completion as *mut tether_completion as *mut c_void,
            core::mem::size_of::<tether_completion>(),
            1,
            30_000_000_000, // 30 s: only a broken runtime waits this long
            &mut count,
        );
        assert_eq!(
            status,
            TETHER_OK,
            "poll: {}",
            message(tether_status_str(status))
        );
        assert_eq!(count, 1, "no completion within 30 s");
        assert_eq!(
            completion.struct_size,
            core::mem::size_of::<tether_completion>()
        );
        assert_eq!(
            completion.status,
            TETHER_OK,
            "call failed: {} (code {}): {}",
            message(tether_status_str(completion.status)),
            completion.library_code,
            message(completion.error)
        );
        assert_eq!(completion.user_data, tag);
        assert_eq!(completion.ticket, ticket);
        assert_eq!(completion.library_code, 0);
        assert_eq!(completion.result_len, KVSTORE_STATS_SIZE);
        assert!(!completion.result.is_null());
        assert!(completion.lane < 2);

        assert_eq!(tether_buf_free(completion.result), TETHER_OK);
        assert_eq!(tether_buf_free(completion.error as *mut c_void), TETHER_OK);

        tether_cq_destroy(cq);
        assert_eq!(tether_runtime_destroy(runtime), TETHER_OK);
    }
}

#[test]
fn submit_of_a_null_call_is_invalid_arg() {
    unsafe extern "C" fn never_called(_: *mut tether_completion) {
        panic!("callback of a refused submit ran");
    }
    unsafe {
        let runtime = open_kvstore();
        let mut ticket = 0u64;
        let status = tether_submit(runtime, ptr::null(), Some(never_called), 0, &mut ticket);
        assert_eq!(status, TETHER_E_INVALID_ARG);
        assert_eq!(tether_runtime_destroy(runtime), TETHER_OK);
    }
}

#[test]
fn freeing_a_rust_box_is_a_foreign_buffer() {
    let boxed = Box::into_raw(Box::new([0u64; 4]));
    unsafe {
        assert_eq!(
            tether_buf_free(boxed as *mut c_void),
            TETHER_E_FOREIGN_BUFFER
        );
        // tether neither read nor freed it: it is still ours.
        assert_eq!(*boxed, [0u64; 4]);
        drop(Box::from_raw(boxed));
    }
}
