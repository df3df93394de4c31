//! A safe Rust API over tether's C ABI (`tether/tether.h`), built on the raw
//! declarations of `tether-sys`.
//!
//! The host side:
//!
//! - [`Runtime`] opens a library by path ([`Runtime::open_path`]) or linked
//!   in ([`Runtime::open`]) with a [`Config`], shuts down and closes;
//! - [`Runtime::call`] submits a call and returns a [`Call`], a future of
//!   the reply for any executor (cancelled when dropped);
//!   [`Runtime::call_blocking`] waits on a thread instead; [`CallOptions`]
//!   set a deadline; [`Runtime::call_batch`] submits many at once and a
//!   [`Stream`] keeps calls with one key in order;
//! - [`Buffer`] owns the bytes tether hands out and frees them on drop;
//! - [`Error`] carries a [`Status`] (every `TETHER_E_*` code) and tether's
//!   message;
//! - [`Runtime::stats`], [`Runtime::lane_stats`] and
//!   [`Runtime::leak_report`] read the diagnostics, and [`log`] routes
//!   tether's log lines into the `log` crate.
//!
//! Every call completes exactly once. Its completion arrives on one of
//! tether's threads (the lane that replied, or tether's delivery thread:
//! [`Deliver`]), where this crate stores the outcome and wakes the waiting
//! task or thread; no code of this crate's users runs there but the
//! executor's `Waker::wake`.
//!
//! The library side, to serve a Rust library through tether, is [`library`].
//!
//! ```no_run
//! use tether::{Config, Key, Runtime};
//!
//! let runtime = Runtime::open_path(
//!     "build/release/examples/kvstore/libkvstore.so",
//!     "tether_kvstore_library",
//!     &Config::new().lanes(2),
//! )?;
//! let stats = runtime.call_blocking(5, Key::Any, &[])?; // kvstore's STATS
//! assert_eq!(stats.len(), 32);
//! runtime.close()?;
//! # Ok::<(), tether::Error>(())
//! ```

mod buffer;
mod error;
mod runtime;

pub mod library;

pub use buffer::Buffer;
pub use error::{Error, Result, Status};
pub use runtime::Runtime;

// The host side: calls, streams, batches, diagnostics, log routing.
mod batch;
mod call;
mod config;
pub mod log;
mod recorder;
mod slot;
mod stats;
mod stream;
mod text;
mod unwind;

pub use batch::{Batch, BatchCall};
pub use call::{Call, CallOptions, Key};
pub use config::{Config, Deliver};
pub use runtime::ShutdownMode;
pub use stats::{LaneStats, LeakReport, Stats};
pub use stream::Stream;

/// The version of the libtether this process loaded, as
/// `major * 1000000 + minor * 1000 + patch`.
pub fn version_number() -> u32 {
    // SAFETY: no arguments; any thread.
    unsafe { tether_sys::tether_version_number() }
}

/// The number of live tether buffers and their total bytes, process-wide
/// (`tether_buf_live`): a test's way to see that nothing leaked.
pub fn buffers_live() -> (u64, u64) {
    let mut count = 0u64;
    let mut bytes = 0u64;
    // SAFETY: both out-parameters point at live locals; any thread.
    unsafe { tether_sys::tether_buf_live(&mut count, &mut bytes) };
    (count, bytes)
}
