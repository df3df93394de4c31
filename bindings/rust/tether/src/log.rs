//! Routing tether's log lines (tether/log.h) into the `log` crate.
//!
//! tether writes its lines (rejected arguments, stale tickets, bad frees,
//! growth warnings, the leak report) to stderr by default. After
//! [`route_to_log_crate`] they go to whatever logger the program installed
//! for the `log` crate, with target `"tether"`:
//!
//! ```no_run
//! // after installing a logger (env_logger::init(), ...):
//! tether::log::route_to_log_crate()?;
//! # Ok::<(), tether::Error>(())
//! ```
//!
//! The sink runs on the thread that logs, synchronously: a host thread
//! inside a tether call (a refused submit), a lane, or tether's delivery
//! thread, possibly several at once; that thread waits for the logger. The
//! logger must not shut down or close a [`Runtime`](crate::Runtime), nor
//! route tether's log again, from inside `log` (tether/log.h forbids it in a
//! sink). A panic in the logger is caught at the boundary and the line lost.

use std::ffi::CStr;
use std::os::raw::c_char;

use tether_sys as sys;

use crate::unwind::no_unwind;
use crate::{Error, Result};

/// Routes tether's lines at or above the `log` crate's current
/// `log::max_level()` into the `log` crate (`tether_log_set_sink`,
/// process-wide). Call it after installing the logger, which sets that
/// level; see [`route_to_log_crate_at`] to choose it.
pub fn route_to_log_crate() -> Result<()> {
    route_to_log_crate_at(::log::max_level())
}

/// As [`route_to_log_crate`], for lines at or above `min_level`
/// (`Trace` and `Debug` both mean tether's DEBUG; `Off` sends nothing).
pub fn route_to_log_crate_at(min_level: ::log::LevelFilter) -> Result<()> {
    let min_level = match min_level {
        ::log::LevelFilter::Off => sys::TETHER_LOG_OFF,
        ::log::LevelFilter::Error => sys::TETHER_LOG_ERROR,
        ::log::LevelFilter::Warn => sys::TETHER_LOG_WARN,
        ::log::LevelFilter::Info => sys::TETHER_LOG_INFO,
        ::log::LevelFilter::Debug | ::log::LevelFilter::Trace => sys::TETHER_LOG_DEBUG,
    };
    // SAFETY: sink is a function that lives for the program and keeps the
    // sink contract (no tether calls; never unwinds); user_data is unused.
    // Any thread.
    let status = unsafe { sys::tether_log_set_sink(Some(sink), 0, min_level) };
    Error::check(status, || "tether_log_set_sink".to_string())
}

/// Sends tether's lines back to stderr at its default threshold (WARN),
/// as before any routing. When it returns, the `log` crate's logger is no
/// longer called by tether.
pub fn route_to_stderr() -> Result<()> {
    // SAFETY: a NULL sink restores the default; any thread.
    let status = unsafe { sys::tether_log_set_sink(None, 0, sys::TETHER_LOG_WARN) };
    Error::check(status, || "tether_log_set_sink (default)".to_string())
}

/// The `tether_log_fn`: hands one line to the `log` crate.
unsafe extern "C" fn sink(_user_data: u64, level: i32, message: *const c_char) {
    no_unwind(|| {
        if message.is_null() {
            return;
        }
        // SAFETY: tether passes a NUL-terminated message borrowed for the
        // duration of the call.
        let text = CStr::from_ptr(message).to_string_lossy();
        let level = match level {
            sys::TETHER_LOG_DEBUG => ::log::Level::Debug,
            sys::TETHER_LOG_INFO => ::log::Level::Info,
            sys::TETHER_LOG_WARN => ::log::Level::Warn,
            _ => ::log::Level::Error,
        };
        ::log::log!(target: "tether", level, "{}", text);
    });
}
