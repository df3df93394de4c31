//! Handles to Rust values, made by the library and held by the host.

use tether::{Key, Status};
use tether_sys as sys;

use crate::support::{self, guard, open_testlib, u64_at};

fn make_note(runtime: &tether::Runtime, text: &[u8]) -> u64 {
    let reply = runtime
        .call_blocking(support::HANDLE_NEW, Key::Any, text)
        .unwrap();
    u64_at(&reply, 0)
}

#[test]
fn a_handle_names_its_value_until_the_host_releases_it() {
    let _guard = guard();
    let runtime = open_testlib(2);
    // SAFETY: no arguments; any thread.
    let live_before = unsafe { sys::tether_handles_live() };
    let handle = make_note(&runtime, b"a note");
    assert_eq!(unsafe { sys::tether_handles_live() }, live_before + 1);
    let note = runtime
        .call_blocking(support::HANDLE_GET, Key::Any, &handle.to_le_bytes())
        .unwrap();
    assert_eq!(&note[..], b"a note");
    drop(note);

    // SAFETY: any thread; the handle holds the one reference HANDLE_NEW made.
    assert_eq!(
        unsafe { sys::tether_handle_release(handle) },
        sys::TETHER_OK
    );
    assert_eq!(unsafe { sys::tether_handles_live() }, live_before);
    let stale = runtime
        .call_blocking(support::HANDLE_GET, Key::Any, &handle.to_le_bytes())
        .unwrap_err();
    assert_eq!(stale.library_code(), Status::StaleTicket.code());
    runtime.close().unwrap();
}

#[test]
fn a_handle_looked_up_as_another_type_is_refused() {
    let _guard = guard();
    let runtime = open_testlib(1);
    let handle = make_note(&runtime, b"not a tally");
    let error = runtime
        .call_blocking(support::HANDLE_GET_TALLY, Key::Any, &handle.to_le_bytes())
        .unwrap_err();
    assert_eq!(error.status(), Status::Library);
    assert_eq!(error.library_code(), Status::InvalidArg.code());
    assert!(error.message().contains("does not name a"), "{}", error);
    // The refused lookup let go of the reference it took: one release ends it.
    // SAFETY: any thread.
    assert_eq!(
        unsafe { sys::tether_handle_release(handle) },
        sys::TETHER_OK
    );
    assert_eq!(
        unsafe { sys::tether_handle_release(handle) },
        sys::TETHER_E_STALE_TICKET
    );
    runtime.close().unwrap();
}

#[test]
fn a_handle_released_after_its_runtime_is_gone_drops_its_value() {
    let _guard = guard();
    let runtime = open_testlib(1);
    let handle = make_note(&runtime, b"outlives the runtime");
    runtime.close().unwrap();
    // The library stays loaded for the handle; its destroy runs here.
    // SAFETY: any thread.
    assert_eq!(unsafe { sys::tether_handle_retain(handle) }, sys::TETHER_OK);
    assert_eq!(
        unsafe { sys::tether_handle_release(handle) },
        sys::TETHER_OK
    );
    assert_eq!(
        unsafe { sys::tether_handle_release(handle) },
        sys::TETHER_OK
    );
    assert_eq!(
        unsafe { sys::tether_handle_release(handle) },
        sys::TETHER_E_STALE_TICKET
    );
}
