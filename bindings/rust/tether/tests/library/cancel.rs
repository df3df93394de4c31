//! Replies after the call ended: absorbed by tether, freed, counted.

use tether_sys as sys;

use crate::support::{self, guard, u64_at, Cq, RawRuntime};

#[test]
fn a_handler_that_honours_is_cancelled_replies_late_and_tether_absorbs_it() {
    let _guard = guard();
    let runtime = RawRuntime::open(support::LIBRARY, 2);
    let cq = Cq::open(&runtime);
    let ticket = runtime.submit(&cq, support::SPIN, 0, &[]);
    // Wait for the handler to be looping on lane 0 (asked of lane 1: calls
    // to any lane are taken by the one not busy).
    loop {
        let spinning = runtime.call(support::SPINNING, sys::TETHER_KEY_ANY, &[]);
        assert_eq!(spinning.status, sys::TETHER_OK);
        if u64_at(&spinning.result, 0) == 1 {
            break;
        }
        std::thread::yield_now();
    }
    assert_eq!(runtime.cancel(ticket), sys::TETHER_OK);
    let cancelled = cq.wait();
    assert_eq!(cancelled.status, sys::TETHER_E_CANCELLED);
    assert!(cancelled.result.is_empty());

    // Queued behind the spin on lane 0: runs once the handler replied.
    let last = runtime.call(support::LAST_SPIN, 0, &[]);
    assert_eq!(last.status, sys::TETHER_OK);
    assert_eq!(
        String::from_utf8_lossy(&last.result),
        "TETHER_E_ALREADY_COMPLETED"
    );
    let stats = runtime.stats();
    assert_eq!(stats.late_replies, 1);
    assert_eq!(stats.completed_cancelled, 1);
    assert_eq!(stats.in_flight, 0);
}

#[test]
fn a_reply_kept_for_a_timer_that_never_fires_completes_as_closed_at_shutdown() {
    let _guard = guard();
    let runtime = RawRuntime::open(support::LIBRARY, 1);
    let cq = Cq::open(&runtime);
    // An hour: the timer is still armed when the runtime shuts down.
    runtime.submit(&cq, support::TIMER, 0, &3_600_000u64.to_le_bytes());
    // Same lane, so it runs after the timer was started.
    let echo = runtime.call(support::ECHO, 0, b"armed");
    assert_eq!(echo.result, b"armed");
    runtime.shutdown();
    let closed = cq.wait();
    assert_eq!(closed.status, sys::TETHER_E_CLOSED);
    assert!(closed.result.is_empty());
    // The timer's work (and the Reply in it) was dropped at lane stop: no
    // reply was made for the ended call, and nothing is left in flight.
    let stats = runtime.stats();
    assert_eq!(stats.late_replies, 0);
    assert_eq!(stats.in_flight, 0);
}
