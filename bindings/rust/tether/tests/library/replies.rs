//! Replies: bytes, errors, result buffers, late replies from timers and
//! posted work, and the replies tether makes for panics and dropped
//! requests.

use tether::library::{DROPPED_CODE, PANIC_CODE};
use tether::{Key, Status};
use tether_sys as sys;

use crate::support::{self, guard, open_testlib};

#[test]
fn echo_returns_the_payload() {
    let _guard = guard();
    let runtime = open_testlib(2);
    let reply = runtime
        .call_blocking(support::ECHO, Key::Any, b"hello, lane")
        .unwrap();
    assert_eq!(&reply[..], b"hello, lane");
    let empty = runtime.call_blocking(support::ECHO, Key::Any, &[]).unwrap();
    assert!(empty.is_empty());
    drop((reply, empty));
    runtime.close().unwrap();
}

#[test]
fn an_error_reply_carries_its_code_and_message() {
    let _guard = guard();
    let runtime = open_testlib(1);
    let mut payload = 7i32.to_le_bytes().to_vec();
    payload.extend_from_slice(b"seven is not allowed");
    let error = runtime
        .call_blocking(support::FAIL, Key::Any, &payload)
        .unwrap_err();
    assert_eq!(error.status(), Status::Library);
    assert_eq!(error.library_code(), 7);
    assert_eq!(error.message(), "seven is not allowed");
    let unknown = runtime.call_blocking(99, Key::Any, &[]).unwrap_err();
    assert_eq!(unknown.library_code(), support::UNKNOWN_METHOD);
    assert_eq!(unknown.message(), "no method 99");
    runtime.close().unwrap();
}

#[test]
fn a_result_buffer_filled_in_place_is_the_reply() {
    let _guard = guard();
    let runtime = open_testlib(1);
    let reply = runtime
        .call_blocking(support::RESULT_BUFFER, Key::Any, &1000u32.to_le_bytes())
        .unwrap();
    assert_eq!(reply.len(), 1000);
    assert!(reply
        .iter()
        .enumerate()
        .all(|(i, byte)| *byte == (i % 251) as u8));
    drop(reply);
    runtime.close().unwrap();
}

#[test]
fn a_panicking_handler_completes_with_its_message_and_the_lane_keeps_serving() {
    let guard = guard();
    let runtime = open_testlib(1);
    let error = runtime
        .call_blocking(support::PANIC, Key::Any, b"testlib boom")
        .unwrap_err();
    assert_eq!(error.status(), Status::Library);
    assert_eq!(error.library_code(), PANIC_CODE);
    assert_eq!(
        error.message(),
        "the handler of method 3 panicked: testlib boom"
    );
    let logged = guard.lines(sys::TETHER_LOG_ERROR, "panicked: testlib boom");
    assert_eq!(logged.len(), 1, "{:?}", guard.all_lines());
    assert!(
        logged[0].contains("library 'tether-testlib' on lane 0"),
        "{}",
        logged[0]
    );
    // The same (only) lane serves the next call.
    let reply = runtime
        .call_blocking(support::ECHO, Key::Any, b"after the panic")
        .unwrap();
    assert_eq!(&reply[..], b"after the panic");
    drop(reply);
    runtime.close().unwrap();
}

#[test]
fn a_panic_after_replying_keeps_the_reply_and_is_logged() {
    let guard = guard();
    let runtime = open_testlib(1);
    let reply = runtime
        .call_blocking(support::PANIC_AFTER_REPLY, Key::Any, &[])
        .unwrap();
    assert_eq!(&reply[..], b"replied");
    drop(reply);
    runtime.close().unwrap();
    assert_eq!(
        guard
            .lines(
                sys::TETHER_LOG_ERROR,
                "the handler of method 18 panicked: panicked after replying"
            )
            .len(),
        1,
        "{:?}",
        guard.all_lines()
    );
}

#[test]
fn a_panic_in_posted_work_completes_the_reply_it_held() {
    let _guard = guard();
    let runtime = open_testlib(1);
    let error = runtime
        .call_blocking(support::PANIC_IN_POSTED, Key::Any, &[])
        .unwrap_err();
    assert_eq!(error.status(), Status::Library);
    assert_eq!(error.library_code(), PANIC_CODE);
    assert_eq!(error.message(), "posted work panicked: posted work gave up");
    runtime.close().unwrap();
}

#[test]
fn a_dropped_reply_completes_with_an_error_naming_the_method() {
    let guard = guard();
    let runtime = open_testlib(1);
    let error = runtime
        .call_blocking(support::DROP, Key::Any, &[])
        .unwrap_err();
    assert_eq!(error.status(), Status::Library);
    assert_eq!(error.library_code(), DROPPED_CODE);
    assert_eq!(
        error.message(),
        "method 4: handler dropped the request without replying"
    );
    assert_eq!(
        guard
            .lines(
                sys::TETHER_LOG_WARN,
                "method 4: handler dropped the request"
            )
            .len(),
        1
    );
    runtime.close().unwrap();
}

#[test]
fn a_reply_kept_for_a_lane_timer_arrives() {
    let _guard = guard();
    let runtime = open_testlib(2);
    let reply = runtime
        .call_blocking(support::TIMER, Key::Of(1), &20u64.to_le_bytes())
        .unwrap();
    assert_eq!(&reply[..], b"from a timer");
    drop(reply);
    runtime.close().unwrap();
}

#[test]
fn a_reply_kept_for_posted_work_arrives() {
    let _guard = guard();
    let runtime = open_testlib(2);
    let reply = runtime
        .call_blocking(support::POSTED, Key::Any, &[])
        .unwrap();
    assert_eq!(&reply[..], b"from posted work");
    drop(reply);
    runtime.close().unwrap();
}

#[test]
fn work_posted_from_the_library_thread_replies_on_the_lane() {
    let _guard = guard();
    let runtime = open_testlib(2);
    for key in 0..4 {
        let reply = runtime
            .call_blocking(support::REMOTE, Key::Of(key), &[])
            .unwrap();
        assert_eq!(&reply[..], b"from another thread");
    }
    runtime.close().unwrap();
}
