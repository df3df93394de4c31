//! A safe Rust API over tether's C ABI (`tether/tether.h`), built on the raw
//! declarations of `tether-sys`.
//!
//! This first slice covers the host side with blocking calls:
//!
//! - [`Runtime`] opens a library by path ([`Runtime::open_path`]) with a
//!   [`Config`], makes blocking calls ([`Runtime::call_blocking`]), shuts down and
//!   closes;
//! - [`Buffer`] owns the bytes tether hands out and frees them on drop;
//! - [`Error`] carries a [`Status`] (every `TETHER_E_*` code) and tether's
//!   message.
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
pub use runtime::{Config, Key, Runtime};

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
