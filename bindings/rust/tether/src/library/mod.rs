//! The library side: a Rust library served through tether
//! (`tether/library.h`), so that any host (Go, Python, C++, Rust) can load
//! it by path and symbol and call it on tether's lanes.
//!
//! A library is a [`LaneState`] type: one value is created on each lane
//! when the lane starts (so `thread_local!`s and `!Send` state such as a
//! database connection belong to that lane), handles that lane's requests,
//! and is dropped on the lane when it stops. [`export_library!`](crate::export_library) exports
//! the table tether loads:
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use tether::library::{Lane, LaneState, Reply, Request, StartError};
//!
//! struct Counter {
//!     lane: Lane,
//!     calls: u64,
//! }
//!
//! impl LaneState for Counter {
//!     fn start(lane: &Lane) -> Result<Counter, StartError> {
//!         Ok(Counter { lane: lane.clone(), calls: 0 })
//!     }
//!
//!     fn handle(&mut self, request: Request<'_>, reply: Reply) {
//!         self.calls += 1;
//!         let _ = match request.method() {
//!             1 => reply.ok(&self.calls.to_le_bytes()),
//!             // Keep the reply and answer from a timer on this lane.
//!             2 => self.lane.after(Duration::from_millis(5), move || {
//!                 let _ = reply.ok(b"later");
//!             }),
//!             other => reply.error(404, &format!("no method {}", other)),
//!         };
//!     }
//! }
//!
//! tether::export_library!(counter_library, Counter, name = "counter");
//! ```
//!
//! What tether promises, and what this module adds:
//!
//! - Each request gets exactly one reply. A [`Reply`] is consumed by
//!   replying; dropped unanswered it completes the call with
//!   [`DROPPED_CODE`], so a forgotten reply never hangs a caller. It is
//!   `!Send` and `!Sync`: it can be kept and answered later, but only on its
//!   lane (posted work, timers, the lane's state).
//! - No panic crosses into C: every entry tether calls runs inside
//!   `catch_unwind`. A panicking handler completes its call with
//!   `TETHER_E_LIBRARY`, [`PANIC_CODE`] and the panic's message, which is
//!   also logged through the host's log function; the lane goes on serving.
//!   A panic (or an `Err`) in [`LaneState::start`] fails the lane's start,
//!   and so the runtime's open, with `TETHER_E_LOAD`, the message logged.
//! - Result bytes come from tether's own allocator, through the host table
//!   ([`Host::alloc`], [`ResultBuffer`]); tether frees them.
//! - This module calls tether only through the host-function table handed
//!   to each lane, never a libtether symbol: a library built with
//!   `tether = { ..., default-features = false }` (no `link` feature)
//!   neither links libtether nor needs it to load, so the process keeps one
//!   tether and one allocator. The host side of this crate (`Runtime`,
//!   `Buffer`) is still compiled in such a build, but calling it from a
//!   library leaves an undefined `tether_*` symbol: use [`Host`] instead.

mod buffer;
mod handle;
mod host;
mod lane;
mod panic;
mod reply;
mod request;
mod table;

pub use buffer::ResultBuffer;
pub use handle::HandleRef;
pub use host::{Host, LogLevel};
pub use lane::{Gauge, Lane, Remote};
pub use reply::{Reply, DROPPED_CODE, NO_MEMORY_CODE, PANIC_CODE};
pub use request::Request;

/// Why a lane could not start: any error. Its message is logged through the
/// host's log function, and the runtime's open fails with `TETHER_E_LOAD`.
pub type StartError = Box<dyn std::error::Error>;

/// A library's state on one lane.
///
/// tether calls [`start`](LaneState::start) once on each lane, on that
/// lane, before any request; then [`handle`](LaneState::handle) on the lane
/// for each request it runs; and drops the state on the lane when it stops
/// (implement `Drop` to close what it holds). The state never leaves its
/// lane, so it need not be `Send`:
///
/// ```no_run
/// use std::rc::Rc;
///
/// use tether::library::{Lane, LaneState, Reply, Request, StartError};
///
/// struct Session {
///     shared: Rc<Vec<u8>>, // Rc is !Send: fine for a lane's state
/// }
///
/// impl LaneState for Session {
///     fn start(_lane: &Lane) -> Result<Session, StartError> {
///         Ok(Session { shared: Rc::new(b"per lane".to_vec()) })
///     }
///     fn handle(&mut self, _request: Request<'_>, reply: Reply) {
///         let _ = reply.ok(&self.shared);
///     }
/// }
/// # tether::export_library!(session_library, Session);
/// ```
pub trait LaneState: Sized + 'static {
    /// Creates the lane's state, on the lane. `lane` may be cloned and
    /// kept. An `Err` or a panic fails the lane's start (the message is
    /// logged) and with it the runtime's open.
    fn start(lane: &Lane) -> Result<Self, StartError>;

    /// Handles one request on the lane. `reply` must be answered, now or
    /// later on this lane, or dropped (which answers with
    /// [`DROPPED_CODE`]). A panic here completes the call with
    /// [`PANIC_CODE`] and the panic's message unless it was already
    /// answered; the state stays in place and serves the next request.
    fn handle(&mut self, request: Request<'_>, reply: Reply);
}

/// What [`export_library!`](crate::export_library) expands to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use super::table::LibraryTable;
    pub use tether_sys::tether_library;
}
