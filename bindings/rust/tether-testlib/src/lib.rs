//! A Rust library served through tether, for the tests of
//! `tether::library` (`tether/tests/library/`) and the C++ check that an
//! AddressSanitizer build serves it (`tests/api/rust_library_test.cpp`).
//!
//! Exported tables:
//! - `tether_testlib_library`: [`TestLane`], the methods below;
//! - `tether_testlib_start_fails`: every lane's start returns an error;
//! - `tether_testlib_start_panics`: every lane's start panics;
//! - `tether_testlib_stop_panics`: echoes, and panics as each lane stops.
//!
//! Numbers in payloads and results are little-endian.

mod failing;
mod lane;

pub use lane::TestLane;

/// Replies with the payload.
pub const ECHO: u32 = 1;
/// Payload: an i32 code, then a message. Replies with that library error.
pub const FAIL: u32 = 2;
/// Payload: a message. Panics with it.
pub const PANIC: u32 = 3;
/// Drops the reply without replying.
pub const DROP: u32 = 4;
/// Payload: a u64 delay in milliseconds. Replies "from a timer" from a
/// lane timer after that delay.
pub const TIMER: u32 = 5;
/// Replies "from posted work" from work posted to the lane.
pub const POSTED: u32 = 6;
/// Keeps the reply; a thread of the library's own posts work back to the
/// lane that replies "from another thread".
pub const REMOTE: u32 = 7;
/// Replies with this lane's session (a `thread_local!` made on first use):
/// its u64 serial number (process-wide, from 1), the u32 lane it was
/// created on, and the u32 lane running this request.
pub const SESSION: u32 = 8;
/// Replies with the u32 lane index the request names and the u32 index of
/// the lane the state was started on.
pub const LANE: u32 = 9;
/// Payload: a u64. Sets the lane's gauge "testlib-entries" to it.
pub const GAUGE: u32 = 10;
/// Payload: bytes. Replies with a u64 handle to a `Note` holding them.
pub const HANDLE_NEW: u32 = 11;
/// Payload: a u64 handle. Replies with its `Note`'s bytes, or with the
/// error's status code and message.
pub const HANDLE_GET: u32 = 12;
/// As HANDLE_GET, but looks the handle up as another type (`Tally`).
pub const HANDLE_GET_TALLY: u32 = 13;
/// Loops until the request is cancelled (giving up with code 408 after
/// about ten seconds), then replies; what that reply returned is kept for
/// LAST_SPIN.
pub const SPIN: u32 = 14;
/// Replies with the u64 number of SPIN handlers looping now, process-wide.
pub const SPINNING: u32 = 15;
/// Replies with what the last SPIN reply on this lane returned: "ok" or a
/// status name ("TETHER_E_ALREADY_COMPLETED"); empty if none yet.
pub const LAST_SPIN: u32 = 16;
/// Posts work holding the reply that panics with "posted work gave up".
pub const PANIC_IN_POSTED: u32 = 17;
/// Replies "replied", then panics.
pub const PANIC_AFTER_REPLY: u32 = 18;
/// Payload: a u32 length n. Replies with a result buffer of n bytes, byte i
/// being i % 251, filled in place.
pub const RESULT_BUFFER: u32 = 19;

/// The library code of an unknown method.
pub const UNKNOWN_METHOD: i32 = 404;
/// The library code of a SPIN that was never cancelled.
pub const NEVER_CANCELLED: i32 = 408;
/// The library code of a payload of the wrong size.
pub const BAD_PAYLOAD: i32 = 400;

tether::export_library!(tether_testlib_library, TestLane, name = "tether-testlib");
tether::export_library!(
    tether_testlib_start_fails,
    failing::StartFails,
    name = "tether-testlib-start-fails"
);
tether::export_library!(
    tether_testlib_start_panics,
    failing::StartPanics,
    name = "tether-testlib-start-panics"
);
tether::export_library!(
    tether_testlib_stop_panics,
    failing::StopPanics,
    name = "tether-testlib-stop-panics"
);
